import Calls
import Foundation
import RuleEngine
import Testing

let fuzzIterations = Int(ProcessInfo.processInfo.environment["FUZZ_ITERATIONS"] ?? "") ?? 3000

@Suite("fuzz: rule loader and template renderer")
struct FuzzRuleEngineTests {
    static let seed = """
        [settings]
        timezone = "Europe/Berlin"
        country_code = "49"
        [list.vip]
        numbers = ["+49 89 1234567", "+4930*"]
        [schedule.office]
        hours = ["Mon-Fri 08:00-18:00"]
        [[class]]
        name = "vip"
        when = { remote = { list = "vip" } }
        [target.crm]
        url = "https://crm.example.com/api"
        headers = { X-Token = "abc" }
        retry = { attempts = 3, initial = "1s" }
        [[rule]]
        name = "r1"
        on = ["incoming", "missed"]
        when = { class = "vip", during = "office", any = [{ caller = "+4989*" }, { remote = { regex = "^\\\\+49" } }] }
        [[rule.webhook]]
        target = "crm"
        path = "/calls/{{call.id}}"
        json = { a = "{{remote.e164}}", b = ["{{call.answered}}", 1, true], c = { d = "{{#call.answered}}yes{{/call.answered}}" } }
        """
    static let tokens = [
        "[", "]", "{", "}", "=", "\"", "\n", "[[rule]]", "name", "on", "when", "{{", "}}", "{{#", "{{/", "*", "+49", "\\", "#",
        "true", "1s", "list", "class", ",", "'''", "\u{0}", "é",
    ]

    @Test("the loader survives any mutation of a rule file and always explains a failure")
    func loader() {
        var rng = SeededRandom(seed: 3)
        let base = Array(Self.seed)
        var loaded = 0
        for _ in 0..<fuzzIterations {
            var chars = base
            for _ in 0..<Int.random(in: 1...5, using: &rng) {
                let i = Int.random(in: 0..<chars.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: chars.remove(at: i)
                case 1: chars.insert(contentsOf: Self.tokens.randomElement(using: &rng)!, at: i)
                default: chars[i] = Character(UnicodeScalar(UInt8.random(in: 32...126, using: &rng)))
                }
            }
            switch RuleLoader.load([RuleLoader.File(path: "f.toml", text: String(chars))], environment: [:]) {
            case .success: loaded += 1
            case .failure(let e):
                #expect(!e.problems.isEmpty)
                #expect(e.problems.allSatisfy { $0.file == "f.toml" || $0.file.isEmpty })
            }
        }
        #expect(loaded > 0)
    }

    @Test("rendered requests stay well-formed whatever the caller sends")
    func renderer() throws {
        let text = """
            [target.t]
            url = "https://x.example/api"
            [[rule]]
            name = "j"
            on = ["incoming"]
            [[rule.webhook]]
            target = "t"
            path = "/{{remote.raw}}"
            query = { n = "{{remote.name}}" }
            headers = { X-Name = "{{remote.name}}" }
            json = { name = "{{remote.name}}", raw = "{{remote.raw}}", t = "{{{remote.name}}}" }
            [[rule]]
            name = "f"
            on = ["incoming"]
            [[rule.webhook]]
            target = "t"
            form = { name = "{{remote.name}}" }
            [[rule]]
            name = "x"
            on = ["incoming"]
            [[rule.webhook]]
            target = "t"
            body = "<a n=\\"{{remote.name}}\\">{{remote.raw}}</a>"
            content_type = "text/xml"
            """
        let set = try RuleLoader.load([RuleLoader.File(path: "r.toml", text: text)], environment: [:]).get()
        var engine = CallEngine(rules: set) { "id" }
        var rng = SeededRandom(seed: 4)
        let alphabet = Array("aZ09 \"\\'<>&{}%+#?=/\r\n\t\u{0}\u{7}\u{1B}\u{2028}é📞\u{FFFD}")
        let allowedURL = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%/?=&:")
        for i in 0..<fuzzIterations {
            let name = String((0..<Int.random(in: 0...30, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            let raw = String((0..<Int.random(in: 0...12, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            let e = CallEvent(
                uuid: "u\(i)", state: "ring", caller: raw, callerContext: "global", callee: "100", calleeContext: "K1",
                direction: .inbound, extension: "100", customer: "K1", callerName: name)
            for r in engine.process(e, arrival: EventTime(nanoseconds: 0), now: EventTime(nanoseconds: 0)).flatMap(\.requests) {
                #expect(r.url.allSatisfy { allowedURL.contains($0) })
                for h in r.headers { #expect(!h.value.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }) }
                if r.rule == "j" {
                    let o = try JSONSerialization.jsonObject(with: Data(r.body!)) as? [String: Any]
                    #expect(o != nil)
                }
                if r.rule == "f" { #expect(!String(decoding: r.body!, as: UTF8.self).contains("&")) }
                if r.rule == "x" { #expect(String(decoding: r.body!, as: UTF8.self).filter { $0 == "<" }.count == 2) }
            }
            if i % 1000 == 999 { engine.tracker = CallTracker() }
        }
    }
}
