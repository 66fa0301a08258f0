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
    func loader() async {
        var rng = SeededRandom(seed: 3)
        let base = Array(Self.seed)
        var loaded = 0
        for iteration in 0..<fuzzIterations {
            // Let other tests run: a long synchronous loop would hold one of the
            // cooperative pool's two threads on this machine for seconds.
            if iteration % 64 == 0 { await Task.yield() }
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

    static let extremeNumbers = [
        "9223372036854775807", "-9223372036854775808", "0", "-1", "1", "15", "16", "100", "101", "1000", "1001", "1e308",
        "-1e308", "inf", "-inf", "nan", "1.5", "0x7fffffffffffffff", "5e-324",
    ]
    static let extremeDurations = [
        "999999999999d", "99999999999d", "3650d", "3651d", "87600h", "1e308s", "0ms", "0.0000001ms", "1h30m",
        String(repeating: "9", count: 320) + "s", String(repeating: "1d", count: 60), ".s", "9.9.9s", "-1s", "inf", "nan",
    ]
    static let extremeRates = ["inf/s", "nan/s", "1e308/s", "0.0000001/h", "10000/s", "10001/s", "1/h", "-1/s", "0/s", "1/d"]

    @Test("extreme numbers, durations, rates and key depths: accepted within their bounds or an error with a line")
    func extremeValues() async {
        var rng = SeededRandom(seed: 5)
        var loaded = 0
        for iteration in 0..<fuzzIterations {
            // Let other tests run: a long synchronous loop would hold one of the
            // cooperative pool's two threads on this machine for seconds.
            if iteration % 64 == 0 { await Task.yield() }
            func number() -> String { Self.extremeNumbers.randomElement(using: &rng)! }
            func duration() -> String { "\"\(Self.extremeDurations.randomElement(using: &rng)!)\"" }
            let depth = Int.random(in: 0...3, using: &rng) == 0 ? Int.random(in: 1...300, using: &rng) : 1
            let deepKey = (0..<depth).map { _ in "k" }.joined(separator: ".")
            let nested = String(repeating: "{ a = ", count: depth) + "1" + String(repeating: " }", count: depth)
            var lines = [
                "[settings]", "extension_digits = \(number())",
                "[target.t]", "url = \"https://x.example\"",
                "timeout = \(duration())", "connect_timeout = \(duration())",
                "concurrency = \(number())", "rate = \"\(Self.extremeRates.randomElement(using: &rng)!)\"",
                "retry = { attempts = \(number()), factor = \(number()), initial = \(duration()), max = \(duration()) }",
                "[[rule]]", "name = \"r\"", "on = [\"ended\"]", "when = { min_duration = \(duration()) }",
                "[[rule.webhook]]", "target = \"t\"", "json = { deep = \(nested) }",
            ]
            // Drop some lines so that valid values also get through on their own.
            for _ in 0..<Int.random(in: 0...6, using: &rng) {
                let i = Int.random(in: 4..<lines.count, using: &rng)
                if !lines[i].hasPrefix("[") && !lines[i].hasPrefix("name") && !lines[i].hasPrefix("target") {
                    lines.remove(at: i)
                }
            }
            if depth > 1 { lines.insert("\(deepKey) = 1", at: 0) }
            switch RuleLoader.load([RuleLoader.File(path: "f.toml", text: lines.joined(separator: "\n"))], environment: [:]) {
            case .success(let set):
                loaded += 1
                let t = set.targets["t"]!
                #expect((1...1000).contains(t.concurrency))
                #expect((1...10_000).contains(t.retry.attempts))
                #expect(t.retry.factor.isFinite && (1...100).contains(t.retry.factor))
                for d in [t.timeout, t.connectTimeout, t.retry.initial, t.retry.max] { #expect(d <= .seconds(3650 * 86400)) }
                if let r = t.ratePerSecond { #expect(r.isFinite && r > 0 && r <= 10_000) }
                #expect((1...15).contains(set.settings.extensionDigits))
            case .failure(let e):
                #expect(!e.problems.isEmpty)
                #expect(e.problems.allSatisfy { $0.line != nil && $0.column != nil }, "\(e.problems)")
            }
        }
        #expect(loaded > 0)
    }

    @Test("rendered requests stay well-formed whatever the caller sends")
    func renderer() async throws {
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
            if i % 64 == 0 { await Task.yield() }
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
