import Calls
import RuleEngine
import Testing

/// `CallEngine.replaceRules` (a reload): the conditions of the new set
/// decide from the next event on (the engine evaluates them through the
/// set's shared box), and calls in progress keep their state.
@Suite("engine: replacing the rule set")
struct ReplaceRulesTests {
    /// `extra` goes before the class and the rule, so that the two sets
    /// differ in how many classes and rules they have and where.
    static func set(vip: String, rule: String, on phase: String, when: String, extra: String = "") throws -> RuleSet {
        let text = """
            [settings]
            country_code = "49"

            \(extra)

            [[class]]
            name = "vip"
            when = { remote = "\(vip)" }

            [target.crm]
            url = "https://crm.example.com/api"

            [[rule]]
            name = "\(rule)"
            on = ["\(phase)"]
            when = \(when)
            [[rule.webhook]]
            target = "crm"
            json = { call = "{{call.id}}", class = "{{class}}" }
            """
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
            extra: """
                [[class]]
                name = "partner"
                when = { remote = "+49402222222" }

                [[class]]
                name = "supplier"
                when = { remote = "+49403333333" }

                [target.log]
                url = "https://log.example.com/"

                [[rule]]
                name = "partner-ring"
                on = ["incoming"]
                when = { class = "partner" }
                [[rule.webhook]]
                target = "log"
                json = { call = "{{call.id}}" }
                """)
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
