import Calls
import Foundation
import RuleEngine
import Testing

/// Cause `lost` and `call.reconciled` in rules (rules.md): conditions load
/// and match, templates render them, and `missed` never fires for a lost leg.
@Suite("engine: calls ended as lost")
struct LostCallRuleTests {
    static let rules = """
        [target.crm]
        url = "https://crm.example.com/api"

        [[rule]]
        name = "call-log"
        on = ["ended"]
        [[rule.webhook]]
        target = "crm"
        json = { call = "{{call.id}}", cause = "{{call.cause}}", reconciled = "{{call.reconciled}}", ended = "{{call.ended_at}}", note = "{{#call.reconciled}}end time approximate{{/call.reconciled}}" }

        [[rule]]
        name = "lost-only"
        on = ["ended"]
        when = { cause = "lost" }

        [[rule]]
        name = "missed"
        on = ["missed"]
        """

    let t0 = EventTime(nanoseconds: 1_767_225_600_000_000_000)

    func engine(maxRing: Duration = .seconds(600), maxTalk: Duration = .seconds(43200)) throws -> CallEngine {
        let set = try RuleLoader.load([RuleLoader.File(path: "t.toml", text: Self.rules)], environment: [:]).get()
        #expect(set.warnings.isEmpty, "call.reconciled is a known variable")
        let counter = Counter()
        return CallEngine(rules: set, tracker: CallTracker(maxRing: maxRing, maxTalk: maxTalk)) { "d-\(counter.next())" }
    }

    func body(_ r: EngineResult) throws -> [String: Any] {
        let data = Data(try #require(r.requests.first).bodyText.utf8)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func event(_ uuid: String, _ state: String, at seconds: Int, customer: String = "K1") -> CallEvent {
        CallEvent(
            uuid: uuid, state: state, caller: "+4989123456", callee: "100", direction: .inbound, extension: "100",
            customer: customer, updated: (t0 + .seconds(seconds)).rfc3339())
    }

    @Test("an ingest leg silent past max_ring: ended with cause lost, reconciled, no missed")
    func maxRingRendersLost() throws {
        var e = try engine(maxRing: .seconds(60))
        _ = e.process(event("sg-1", "ring", at: 0, customer: "ingest"), arrival: t0, now: t0)
        #expect(e.endSilentLegs(now: t0 + .seconds(59)).isEmpty)
        let results = e.endSilentLegs(now: t0 + .seconds(60))
        #expect(results.map(\.phase) == [.ended])
        #expect(results[0].matchedRules == ["call-log", "lost-only"])
        let b = try body(results[0])
        #expect(b["cause"] as? String == "lost")
        #expect(b["reconciled"] as? Bool == true)
        #expect(b["ended"] as? String == (t0 + .seconds(60)).rfc3339())
        #expect(b["note"] as? String == "end time approximate")
    }

    @Test("an NFON leg silent past max_talk ends as lost; a real hang-up renders reconciled false")
    func maxTalkAndRealEnd() throws {
        var e = try engine(maxTalk: .seconds(3600))
        _ = e.process(event("a", "ring", at: 0), arrival: t0, now: t0)
        _ = e.process(event("a", "answer", at: 3), arrival: t0 + .seconds(3), now: t0)
        _ = e.process(event("b", "ring", at: 4), arrival: t0 + .seconds(4), now: t0)
        let real = e.process(event("b", "hangup", at: 20), arrival: t0 + .seconds(20), now: t0)
        #expect(real.map(\.phase) == [.ended, .missed])
        let rb = try body(real[0])
        #expect(rb["reconciled"] as? Bool == false && rb["cause"] as? String == "missed" && rb["note"] as? String == "")
        #expect(real[0].matchedRules == ["call-log"])
        let lost = e.endSilentLegs(now: t0 + .seconds(3603))
        #expect(lost.map(\.phase) == [.ended])
        #expect(try body(lost[0])["call"] as? String == "a")
        #expect(lost[0].matchedRules.contains("lost-only"))
        #expect(e.process(event("a", "hangup", at: 4000), arrival: t0 + .seconds(4000), now: t0).isEmpty)
    }

    @Test("a snapshot through the engine renders the snapshot's end time")
    func snapshotThroughEngine() throws {
        var e = try engine()
        _ = e.process(event("a", "ring", at: 0), arrival: t0, now: t0)
        let snap = LineSnapshot(
            customer: "K1", states: [LineStateEvent(extension: "100", line: "idle", updated: (t0 + .seconds(9)).rfc3339())],
            requested: t0 + .seconds(10), arrival: t0 + .seconds(11))
        let results = e.reconcile(snap, now: t0 + .seconds(11))
        #expect(results.count == 1)
        #expect(try body(results[0])["ended"] as? String == (t0 + .seconds(9)).rfc3339())
    }

    @Test("cause = \"lost\" loads; an unknown cause still names the valid ones")
    func causeLoads() throws {
        let bad = """
            [[rule]]
            name = "x"
            on = ["ended"]
            when = { cause = "lots" }
            """
        let result = RuleLoader.load([RuleLoader.File(path: "t.toml", text: bad)], environment: [:])
        guard case .failure(let error) = result else {
            Issue.record("an unknown cause must not load")
            return
        }
        #expect(error.description.contains("unknown cause `lots`"))
        #expect(error.description.contains("lost"))
    }
}
