import Callhook
import Calls
import Foundation
import RuleEngine
import Testing

@testable import Delivery

/// A request's delivery id is derived from what the request is (issue 15,
/// docs/delivery.md "Request identity").
@Suite struct RequestIdentityTests {
    static let rules = """
        [target.crm]
        url = "https://crm.example.com/api"

        [[rule]]
        name = "open"
        on = ["incoming", "answered"]
        [[rule.webhook]]
        target = "crm"
        path = "/a"
        json = { now = "{{now}}" }
        [[rule.webhook]]
        target = "crm"
        path = "/b"
        """

    static func engine() throws -> CallEngine {
        let set = try RuleLoader.load([RuleLoader.File(path: "t.toml", text: rules)], environment: [:]).get()
        return CallEngine(rules: set) { NameBasedUUID.make($0.canonical) }
    }

    static func event(_ uuid: String, _ state: String, customer: String = "K1") -> CallEvent {
        CallEvent(
            uuid: uuid, state: state, caller: "0891234567", callerContext: "global", callee: "100", calleeContext: customer,
            direction: .inbound, extension: "100", customer: customer, updated: "2026-01-05T10:00:00Z", error: nil)
    }

    static func ids(_ engine: inout CallEngine, _ events: [CallEvent], now: Int64) -> [String] {
        events.flatMap {
            engine.process($0, arrival: EventTime(nanoseconds: now), now: EventTime(nanoseconds: now)).flatMap(\.requests)
        }.map(\.deliveryID)
    }

    @Test func twoInstancesRenderingTheSameEventsGetTheSameIds() throws {
        var a = try Self.engine()
        var b = try Self.engine()
        let events = [Self.event("c1", "ring"), Self.event("c1", "answer"), Self.event("c2", "ring")]
        // Rendered at different times (`{{now}}` differs): the ids do not.
        let first = Self.ids(&a, events, now: 1)
        let second = Self.ids(&b, events, now: 999_000_000_000)
        #expect(first.count == 6)
        #expect(first == second)
        // Each action of each phase of each call is its own request.
        #expect(Set(first).count == 6)
        // Another customer's call with the same uuid is another request.
        var c = try Self.engine()
        let other = Self.ids(&c, [Self.event("c1", "ring", customer: "K2")], now: 1)
        #expect(Set(other).isDisjoint(with: first))
    }

    /// Ids are stored and compared across restarts and versions: the
    /// derivation never changes (values computed independently, Python's
    /// hashlib over the namespace and the name).
    @Test func idsAreStableAcrossVersions() {
        #expect(NameBasedUUID.make("") == "967fa45e-6afc-8af1-8c84-db0d9c9f326f")
        #expect(NameBasedUUID.make("x") == "f2e313bb-0970-8dbd-b5c8-123d3e48a2f1")
        #expect(NameBasedUUID.make("Rückruf ☎") == "d37b4465-067f-8b88-be9a-62a54c256867")
        let identity = RequestIdentity(
            customer: "K1234", callUUID: "0d6c1f0e-8a2b-4c1d-9e7f-123456789abc", extensionNumber: "101", phase: "incoming",
            rule: "popup", action: "webhook:0")
        #expect(identity.canonical == "5:K123436:0d6c1f0e-8a2b-4c1d-9e7f-123456789abc3:1018:incoming5:popup9:webhook:0")
        #expect(NameBasedUUID.make(identity.canonical) == "25d46b77-9f9e-858a-83b4-a31ab4542a3d")
        #expect(identity.withCanonicalBytes { NameBasedUUID.make(bytes: $0) } == "25d46b77-9f9e-858a-83b4-a31ab4542a3d")
        // What the daemon uses.
        #expect(DeliveryID.derived(identity) == "25d46b77-9f9e-858a-83b4-a31ab4542a3d")
    }

    /// The bytes the id is hashed from are the canonical text, written
    /// without building it: each field's length in decimal (one digit to
    /// five, the 9/10, 99/100, 999/1000 and 9999/10000 steps included),
    /// `:`, the field; empty and non-ASCII fields included.
    @Test func canonicalBytesAreTheCanonicalText() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["", "K1234", "ü", "☎", ":", "9:", "0d6c1f0e-8a2b", "webhook:0", "\u{0}"]
        let fixedLengths = [0, 1, 9, 10, 99, 100, 999, 1000, 9999, 10000]
        for round in 0..<500 {
            var fields: [String] = []
            for f in 0..<6 {
                var text = ""
                if round < fixedLengths.count {
                    text = String(repeating: "7", count: fixedLengths[(round + f) % fixedLengths.count])
                } else {
                    let repeats = [0, 1, 3, 12, 150, 1200][(round + f) % 6]
                    for _ in 0..<repeats { text += pieces.randomElement(using: &generator)! }
                }
                fields.append(text)
            }
            let identity = RequestIdentity(
                customer: fields[0], callUUID: fields[1], extensionNumber: fields[2], phase: fields[3], rule: fields[4],
                action: fields[5])
            let expected = fields.map { "\($0.utf8.count):\($0)" }.joined()
            let bytes = identity.withCanonicalBytes { Array($0) }
            #expect(bytes == Array(expected.utf8), "fields: \(fields)")
            #expect(identity.canonical == expected, "fields: \(fields)")
            #expect(DeliveryID.derived(identity) == NameBasedUUID.make(expected), "fields: \(fields)")
        }
    }

    @Test func idsAreVersion8UUIDs() {
        let id = NameBasedUUID.make("x")
        #expect(id.count == 36 && UUID(uuidString: id) != nil)
        let chars = Array(id)
        #expect(chars[14] == "8")
        #expect("89ab".contains(chars[19]))
        #expect(NameBasedUUID.make("x") == id && NameBasedUUID.make("y") != id)
        // The fields cannot run into each other.
        let one = RequestIdentity(customer: "K1", callUUID: "a", extensionNumber: "1", phase: "p", rule: "r", action: "webhook:0")
        let two = RequestIdentity(customer: "K1a", callUUID: "", extensionNumber: "1", phase: "p", rule: "r", action: "webhook:0")
        #expect(one.canonical != two.canonical)
    }
}
