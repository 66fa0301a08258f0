import Calls
import RuleEngine
import Testing

/// Puts `bad` on line 12: `head` lines, then comment lines up to line 11.
func fileWithLine12(_ head: [String], _ bad: String, tail: [String] = []) -> String {
    let pad = Array(repeating: "# padding", count: 11 - head.count)
    return (head + pad + [bad] + tail).joined(separator: "\n") + "\n"
}

@Suite("every problem carries its line and column; values of the wrong type are errors")
struct RulePositionTests {
    static let target = ["[target.crm]", "url = \"https://crm.example.com\""]
    static let rule = target + ["[[rule]]", "name = \"a\"", "on = [\"ended\"]"]

    @Test func unknownRuleKeyOnLine12() {
        #expect(
            problems([("r.toml", fileWithLine12(Self.rule, "stpo = true"))]) == [
                #"r.toml:12:1: error: rule "a": stpo: unknown key; did you mean `stop`?"#
            ])
    }

    @Test func unknownTargetKeyOnLine12() {
        #expect(
            problems([("t.toml", fileWithLine12(Self.target, "timout = \"5s\""))]) == [
                #"t.toml:12:1: error: target "crm": timout: unknown key; did you mean `timeout`?"#
            ])
    }

    @Test func unknownWebhookKeyOnLine12() {
        let head = Self.rule + ["[[rule.webhook]]", "target = \"crm\""]
        #expect(
            problems([("w.toml", fileWithLine12(head, "jsno = { a = 1 }"))]) == [
                #"w.toml:12:1: error: rule "a": webhook.jsno: unknown key; did you mean `json`?"#
            ])
    }

    @Test func stopYesIsATypeErrorNotSilentlyFalse() {
        #expect(
            problems([("s.toml", fileWithLine12(Self.rule, "stop = \"yes\""))]) == [
                #"s.toml:12:1: error: rule "a": stop: must be true or false, not a string"#
            ])
        #expect(problems([("s.toml", fileWithLine12(Self.rule, "enabled = 1"))]).first?.hasPrefix("s.toml:12:1:") == true)
    }

    @Test func userIDsThatAreNotATableAreAnErrorNotIgnored() {
        #expect(
            problems([("u.toml", fileWithLine12(Self.target, "user_ids = \"100\""))]) == [
                #"u.toml:12:1: error: target "crm": user_ids: must be a table, not a string"#
            ])
        #expect(
            problems([("u.toml", fileWithLine12(Self.target, "user_ids = { 100 = 7 }"))]) == [
                #"u.toml:12:14: error: target "crm": user_ids.100: must be a string, not an integer"#
            ])
    }

    @Test func referenceErrorsFoundAfterAllFilesPointAtTheirKey() {
        let head = Self.rule + ["[[rule.webhook]]"]
        #expect(
            problems([("x.toml", fileWithLine12(head, "target = \"crn\""))]) == [
                #"x.toml:12:1: error: rule "a": webhook.target: unknown target `crn`; did you mean `crm`?"#
            ])
    }

    @Test func problemsComeOutByFileThenLine() {
        let a = fileWithLine12(Self.rule, "stpo = true", tail: ["", "[[rule]]", "name = \"b\"", "on = [\"nope\"]"])
        let b = "[target.ZZ]\nurl = \"https://z.example\"\nconcurrency = 0\n"
        let p = problems([("b.toml", b), ("a.toml", a)])
        #expect(
            p.map { String($0.prefix(while: { $0 != " " })) } == ["a.toml:12:1:", "a.toml:16:1:", "b.toml:1:1:", "b.toml:3:1:"])
    }

    @Test func jsonBodyKeepsTheKeyOrderOfTheRuleFile() throws {
        let text = """
            [target.t]
            url = "https://x.example/api"
            [[rule]]
            name = "j"
            on = ["incoming"]
            [[rule.webhook]]
            target = "t"
            json = { zebra = "1", apple = "{{call.id}}", mango = { z = 1, a = 2 }, beta = true }
            """
        let set = try RuleLoader.load([RuleLoader.File(path: "r.toml", text: text)], environment: [:]).get()
        var engine = CallEngine(rules: set) { "id" }
        let e = CallEvent(
            uuid: "u1", state: "ring", caller: "+4989123", callerContext: "global", callee: "100", calleeContext: "K1",
            direction: .inbound, extension: "100", customer: "K1", callerName: "n")
        let requests = engine.process(e, arrival: EventTime(nanoseconds: 0), now: EventTime(nanoseconds: 0)).flatMap(\.requests)
        let body = String(decoding: try #require(requests.first?.body), as: UTF8.self)
        let keys = ["\"zebra\"", "\"apple\"", "\"mango\"", "\"z\"", "\"a\"", "\"beta\""]
        let offsets = keys.map { body.firstRange(of: $0).map { body.distance(from: body.startIndex, to: $0.lowerBound) } ?? -1 }
        #expect(!offsets.contains(-1), "\(body)")
        #expect(offsets == offsets.sorted(), "\(body)")
    }
}
