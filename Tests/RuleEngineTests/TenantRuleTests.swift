import Calls
import Foundation
import RuleEngine
import Testing

/// Several K-accounts in one engine (runtime.md, "Several K-accounts"):
/// events carry their `customer`, so rules and classes tell tenants apart,
/// and each account's extension directory names its own extensions.
@Suite("engine: several K-accounts")
struct TenantRuleTests {
    static let rules = """
        [[class]]
        name = "key-account"
        when = { customer = "K1234" }

        [target.crm]
        url = "https://crm.example.com/api"

        [[rule]]
        name = "k1234-popup"
        on = ["incoming"]
        when = { customer = "K1234" }
        [[rule.webhook]]
        target = "crm"
        json = { customer = "{{customer}}", class = "{{class}}", agent = "{{extension.name}}" }

        [[rule]]
        name = "every-tenant"
        on = ["incoming"]
        [[rule.webhook]]
        target = "crm"
        json = { customer = "{{customer}}", class = "{{class}}", agent = "{{extension.name}}" }
        """

    func ring(_ uuid: String, customer: String) -> CallEvent {
        CallEvent(
            uuid: uuid, state: "ring", caller: "49891234567", callerContext: "global", callee: "100", calleeContext: customer,
            direction: .inbound, extension: "100", customer: customer, updated: "2026-01-05T10:00:00Z")
    }

    func engine() throws -> CallEngine {
        let set = try RuleLoader.load([RuleLoader.File(path: "t.toml", text: Self.rules)], environment: [:]).get()
        let counter = Counter()
        var engine = CallEngine(rules: set) { "d-\(counter.next())" }
        // Both accounts number their extensions alike; the names differ.
        engine.setDirectory(["100": "Anna K1234"], customer: "K1234")
        engine.setDirectory(["100": "Bruno K1235"], customer: "K1235")
        return engine
    }

    func body(_ r: RenderedRequest) throws -> [String: String] {
        try #require(JSONSerialization.jsonObject(with: Data(r.bodyText.utf8)) as? [String: String])
    }

    @Test("a rule and a class with when = { customer = … } match only that account")
    func customerCondition() throws {
        var e = try engine()
        let now = EventTime(nanoseconds: 0)
        let k1234 = e.process(ring("a", customer: "K1234"), arrival: now, now: now)
        let k1235 = e.process(ring("b", customer: "K1235"), arrival: now, now: now)
        #expect(k1234.map(\.matchedRules) == [["k1234-popup", "every-tenant"]])
        #expect(k1235.map(\.matchedRules) == [["every-tenant"]])
        #expect(k1234.first?.classification?.name == "key-account")
        #expect(k1235.first?.classification?.name == "external")

        let first = try body(try #require(k1234.first?.requests.first))
        #expect(first == ["customer": "K1234", "class": "key-account", "agent": "Anna K1234"])
        let other = try body(try #require(k1235.first?.requests.first))
        #expect(other == ["customer": "K1235", "class": "external", "agent": "Bruno K1235"])
    }

    @Test("one account's directory never names another account's extension")
    func directoriesPerAccount() throws {
        var e = try engine()
        e.setDirectory(["100": "Anna K1234", "101": "Carla K1234"], customer: "K1234")
        #expect(e.directory(for: "K1234")["101"] == "Carla K1234")
        #expect(e.directory(for: "K1235")["101"] == nil)
        #expect(e.directory(for: "K9999").isEmpty)
        // With a single directory loaded, it serves every event.
        var single = try engine()
        single.directories = ["K1234": ["100": "Anna"]]
        #expect(single.directory(for: "k1234") == ["100": "Anna"])
    }
}
