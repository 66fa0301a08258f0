import Calls
import RuleEngine
import Testing

/// `CallEngine.replaceRules` (a reload): the conditions of the new set
/// decide from the next event on (the engine evaluates them through the
/// set's shared box), and calls in progress keep their state.
@Suite("engine: replacing the rule set")
struct ReplaceRulesTests {
    /// A class matching one remote number.
    static func classTable(_ name: String, remote: String) -> String {
        "[[class]]\nname = \"\(name)\"\nwhen = { remote = \"\(remote)\" }\n"
    }

    /// A rule with one webhook to `target`.
    static func ruleTable(_ name: String, on phase: String, when: String, target: String) -> String {
        "[[rule]]\nname = \"\(name)\"\non = [\"\(phase)\"]\nwhen = \(when)\n"
            + "[[rule.webhook]]\ntarget = \"\(target)\"\njson = { call = \"{{call.id}}\", class = \"{{class}}\" }\n"
    }

    /// `extra` goes before the class and the rule, so that the two sets
    /// differ in how many classes and rules they have and where.
    static func set(vip: String, rule: String, on phase: String, when: String, extra: String = "") throws -> RuleSet {
        let text = """
            [settings]
            country_code = "49"

            [target.crm]
            url = "https://crm.example.com/api"

            [target.log]
            url = "https://log.example.com/"

            """ + extra + classTable("vip", remote: vip) + ruleTable(rule, on: phase, when: when, target: "crm")
        return try RuleLoader.load([RuleLoader.File(path: "t.toml", text: text)], environment: [:]).get()
    }

    func event(_ uuid: String, _ state: String, from number: String) -> CallEvent {
        CallEvent(
            uuid: uuid, state: state, caller: number, callerContext: "global", callee: "100", calleeContext: "K1",
            direction: .inbound, extension: "100", customer: "K1", updated: "2026-01-05T10:00:00Z")
    }

    @Test("after a reload the new classes and rules decide, and a call in progress still ends")
    func reload() throws {
        let t = EventTime(nanoseconds: 0)
        let before = try Self.set(vip: "+49891234567", rule: "vip-ring", on: "incoming", when: "{ class = \"vip\" }")
        var e = CallEngine(rules: before) { "id" }

        let first = e.process(event("c1", "ring", from: "0891234567"), arrival: t, now: t)
        #expect(first.map(\.classification?.name) == ["vip"])
        #expect(first.map(\.matchedRules) == [["vip-ring"]])

        let after = try Self.set(
            vip: "+49301111111", rule: "external-end", on: "ended", when: "{ class = \"external\" }",
            extra: Self.classTable("partner", remote: "+49402222222") + Self.classTable("supplier", remote: "+49403333333")
                + Self.ruleTable("partner-ring", on: "incoming", when: "{ class = \"partner\" }", target: "log"))
        e.replaceRules(after)

        // The same number is no longer a VIP, and the old rule is gone.
        let second = e.process(event("c2", "ring", from: "0891234567"), arrival: t, now: t)
        #expect(second.map(\.classification?.name) == ["external"])
        #expect(second.map(\.matchedRules) == [[]])
        let vip = e.process(event("c3", "ring", from: "0301111111"), arrival: t, now: t)
        #expect(vip.map(\.classification?.name) == ["vip"])
        let partner = e.process(event("c4", "ring", from: "0402222222"), arrival: t, now: t)
        #expect(partner.map(\.classification?.name) == ["partner"])
        #expect(partner.map(\.matchedRules) == [["partner-ring"]])
        let supplier = e.process(event("c5", "ring", from: "0403333333"), arrival: t, now: t)
        #expect(supplier.map(\.classification?.name) == ["supplier"])
        #expect(supplier.map(\.matchedRules) == [[]])

        // The call that rang before the reload is still known: its hang-up
        // ends it, under the new rules.
        let end = e.process(event("c1", "hangup", from: "0891234567"), arrival: t, now: t)
        #expect(end.map(\.phase).contains(.ended))
        let ended = try #require(end.first { $0.phase == .ended })
        #expect(ended.classification?.name == "external")
        #expect(ended.matchedRules == ["external-end"])
        #expect(ended.requests.count == 1)
    }
}
