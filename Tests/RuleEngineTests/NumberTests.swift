import Calls
import RuleEngine
import Testing

@Suite("numbers, patterns and lists")
struct NumberTests {
    var settings: Settings {
        var s = Settings()
        s.countryCode = "49"
        return s
    }

    @Test(
        "every written form normalizes to the same E.164 number",
        arguments: ["+49 (89) 123-4567", "0049891234567", "089 1234567", "49891234567"])
    func forms(_ raw: String) {
        let n = PhoneNumber(raw: raw, isInternal: false, settings: settings)
        #expect(n.e164 == "+49891234567")
        #expect(n.digits == "49891234567")
        #expect(n.national == "0891234567")
        #expect(n.key == 49_891_234_567)
    }

    @Test("extensions stay as they are")
    func extensions() {
        let n = PhoneNumber(raw: "100", isInternal: true, settings: settings)
        #expect(n.e164 == "100")
        #expect(n.key == nil)
    }

    @Test("patterns: numbers, prefixes, extension prefixes; junk is rejected")
    func patterns() {
        let s = settings
        #expect(NumberPattern.parse("+49 89 1234567", settings: s) == .number(49_891_234_567))
        #expect(NumberPattern.parse("+4930*", settings: s) == .prefix("4930"))
        #expect(NumberPattern.parse("089*", settings: s) == .prefix("4989"))
        #expect(NumberPattern.parse("1*", settings: s) == .extensionPrefix("1"))
        #expect(NumberPattern.parse("100", settings: s) == .extension("100"))
        for junk in ["", "abc", "+49+89", "*", "12a4"] { #expect(NumberPattern.parse(junk, settings: s) == nil, "\(junk)") }
        let berlin = PhoneNumber(raw: "4930123456", isInternal: false, settings: s)
        #expect(NumberPattern.prefix("4930").matches(berlin))
        #expect(!NumberPattern.prefix("4989").matches(berlin))
        #expect(!NumberPattern.extensionPrefix("4").matches(berlin), "extension patterns never match global numbers")
    }

    @Test("a list holds numbers and prefixes and answers membership")
    func list() {
        var l = NumberList(name: "vip")
        for p in ["+49 89 1234567", "+4930*", "+41 44 345 67 89", "12*"] { l.insert(NumberPattern.parse(p, settings: settings)!) }
        func has(_ raw: String, _ ext: Bool = false) -> Bool {
            l.contains(PhoneNumber(raw: raw, isInternal: ext, settings: settings))
        }
        #expect(has("0891234567"))
        #expect(has("+49 30 999"))
        #expect(has("0041443456789"))
        #expect(!has("+49891234568"))
        #expect(!has("+4931"))
        #expect(has("123", true))
        #expect(!has("130", true))
        #expect(l.count == 4)
    }

    @Test("list files: comments and blank lines skipped, a bad entry is FILE:LINE:COLUMN")
    func listFile() {
        let files = [
            RuleLoader.File(
                path: "rules/a.toml",
                text: "[settings]\ncountry_code = \"49\"\n[list.vip]\nfile = \"vip.txt\"\nnumbers = [\"+4930*\"]\n")
        ]
        let ok = RuleLoader.load(files, environment: [:]) { path in
            path == "rules/vip.txt" ? "# VIPs\n\n+49 89 1234567  # the boss\n0041 44 345 67 89\n" : nil
        }
        let set = try? ok.get()
        #expect(set?.lists["vip"]?.count == 3)
        let bad = RuleLoader.load(files, environment: [:]) { _ in "+49 89 1234567\nnot a number\n" }
        guard case .failure(let e) = bad else {
            Issue.record("expected an error")
            return
        }
        #expect(
            e.problems.map(\.description) == [
                #"rules/vip.txt:2:1: error: `not a number` is not a number or number pattern (list "vip")"#
            ])
    }

    @Test("a million-entry list loads and answers")
    func millionEntries() throws {
        var text = ""
        text.reserveCapacity(14_000_000)
        for i in 0..<1_000_000 { text += "+49301\(String(1_000_000 + i))\n" }
        let files = [RuleLoader.File(path: "r/a.toml", text: "[list.big]\nfile = \"big.txt\"\n")]
        let content = text
        let set = try RuleLoader.load(files, environment: [:]) { _ in content }.get()
        let list = try #require(set.lists["big"])
        #expect(list.count == 1_000_000)
        #expect(list.contains(PhoneNumber(raw: "+493011999999", isInternal: false, settings: set.settings)))
        #expect(!list.contains(PhoneNumber(raw: "+493012000000", isInternal: false, settings: set.settings)))
    }
}
