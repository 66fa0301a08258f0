import Calls
import Testing

@Suite("call tracker")
struct CallTrackerTests {
    let t0 = EventTime(nanoseconds: 1_700_000_000_000_000_000)

    func event(_ state: String, _ dir: Direction = .inbound, at seconds: Int, error: String? = nil, uuid: String = "u1")
        -> CallEvent
    {
        CallEvent(
            uuid: uuid, state: state, caller: dir == .inbound ? "49891234567" : "100",
            callerContext: dir == .inbound ? "global" : "K1",
            callee: dir == .inbound ? "100" : "49891234567", calleeContext: dir == .inbound ? "K1" : "global", direction: dir,
            extension: "100", customer: "K1", updated: (t0 + .seconds(seconds)).rfc3339(), error: error)
    }

    func phases(_ events: [CallEvent], tracker: inout CallTracker) -> [Phase] {
        events.flatMap { tracker.ingest($0, arrival: t0) }.map(\.phase)
    }

    @Test("inbound answered: incoming, answered, ended")
    func answered() {
        var t = CallTracker()
        let fired = [event("ring", at: 0), event("answer", at: 5), event("hangup", at: 65)].flatMap { t.ingest($0, arrival: t0) }
        #expect(fired.map(\.phase) == [.incoming, .answered, .ended])
        let end = fired.last!.leg
        #expect(end.cause == .answered)
        #expect(end.ringDuration == .seconds(5))
        #expect(end.talkDuration == .seconds(60))
        #expect(!end.partial)
    }

    /// `updated` comes from the PBX: times 500 years apart saturate the
    /// durations instead of overflowing them (a trap before).
    @Test("event times centuries apart saturate the durations")
    func centuriesApart() {
        var t = CallTracker()
        var ring = event("ring", at: 0)
        ring.updated = "1700-01-01T00:00:00Z"
        var hangup = event("hangup", at: 0)
        hangup.updated = "2200-01-01T00:00:00Z"
        let fired = [ring, hangup].flatMap { t.ingest($0, arrival: t0) }
        let end = fired.first { $0.phase == .ended }?.leg
        #expect(end?.ringDuration == .nanoseconds(Int64.max))
        #expect(EventTime(nanoseconds: .max) + .seconds(1) == EventTime(nanoseconds: .max))
        #expect(EventTime(nanoseconds: .min) - EventTime(nanoseconds: .max) == .nanoseconds(Int64.min))
        #expect(Duration.seconds(Int64.max).nanoseconds == .max)
    }

    @Test("inbound never answered: ended then missed; causes by error")
    func missed() {
        var t = CallTracker()
        #expect(
            phases([event("ring", at: 0), event("hangup", at: 30, error: "timeout")], tracker: &t) == [
                .incoming, .ended, .missed,
            ])
        #expect(CallTracker.cause(direction: .inbound, answered: false, error: nil) == .missed)
        #expect(CallTracker.cause(direction: .inbound, answered: false, error: "busy") == .busy)
        #expect(CallTracker.cause(direction: .inbound, answered: false, error: "reject") == .rejected)
        #expect(CallTracker.cause(direction: .outbound, answered: false, error: "cancel") == .cancelled)
        #expect(CallTracker.cause(direction: .outbound, answered: false, error: "unspecified") == .failed)
        #expect(CallTracker.cause(direction: .inbound, answered: false, error: "something-new") == .failed)
    }

    @Test("outbound: outgoing at the first event, never missed")
    func outbound() {
        var t = CallTracker()
        let p = phases(
            [
                event("dial", .outbound, at: 0), event("ring", .outbound, at: 1),
                event("hangup", .outbound, at: 9, error: "cancel"),
            ],
            tracker: &t)
        #expect(p == [.outgoing, .ended])
    }

    @Test("repeats, late events and out-of-order states do not fire twice")
    func duplicates() {
        var t = CallTracker()
        let p = phases(
            [
                event("ring", at: 0), event("ring", at: 1), event("answer", at: 2), event("ring", at: 3), event("answer", at: 4),
                event("hangup", at: 5), event("hangup", at: 6), event("answer", at: 7), event("end", at: 8),
            ], tracker: &t)
        #expect(p == [.incoming, .answered, .ended])
    }

    @Test("a leg first seen mid-call is partial and never missed")
    func partial() {
        var t = CallTracker()
        let a = [event("answer", at: 0), event("hangup", at: 10)].flatMap { t.ingest($0, arrival: t0) }
        #expect(a.map(\.phase) == [.answered, .ended])
        #expect(a.allSatisfy { $0.leg.partial })
        var t2 = CallTracker()
        let b = t2.ingest(event("hangup", at: 0, uuid: "u2"), arrival: t0)
        #expect(b.map(\.phase) == [.ended])
        #expect(b[0].leg.partial)
    }

    @Test("legs are keyed by customer, uuid and extension")
    func legs() {
        var t = CallTracker()
        var a = event("ring", at: 0)
        var b = a
        b.extension = "101"
        a.customer = "K1"
        #expect(t.ingest(a, arrival: t0).count == 1)
        #expect(t.ingest(b, arrival: t0).count == 1)
        #expect(t.legs.count == 2)
    }

    @Test("ended legs are kept briefly for late duplicates, then dropped; open legs are not dropped")
    func retention() {
        var t = CallTracker()
        _ = t.ingest(event("ring", at: 0), arrival: t0)
        _ = t.ingest(event("ring", at: 0, uuid: "u2"), arrival: t0)
        _ = t.ingest(event("hangup", at: 1, uuid: "u2"), arrival: t0)
        // The ended leg leaves the open legs at once; its key is kept.
        #expect(t.legs.count == 1 && t.ended.count == 1 && t.legCount == 2)
        #expect(t.activeLegs.map(\.key.uuid) == ["u1"])
        #expect(t.expire(now: t0 + .seconds(599)) == 0)
        #expect(t.ingest(event("hangup", at: 2, uuid: "u2"), arrival: t0).isEmpty)
        #expect(t.expire(now: t0 + .seconds(3600)) == 1)
        #expect(t.legCount == 1)  // the ended leg is gone after 10 minutes
        #expect(t.expire(now: t0 + .seconds(6 * 3600)) == 0)
        #expect(t.legs.count == 1)  // an open leg is ended by the bounds, never dropped silently
        #expect(t.ended.isEmpty)
        #expect(t.tombstones.isEmpty)
    }

    @Test("times come from `updated`, falling back to arrival")
    func times() {
        var t = CallTracker()
        var e = event("ring", at: 0)
        e.updated = "2025-09-23T16:51:22.954969226+02:00"
        let fired = t.ingest(e, arrival: t0)
        #expect(fired[0].time.rfc3339() == "2025-09-23T14:51:22.954969226Z")
        e.uuid = "other"
        e.updated = "not a time"
        #expect(t.ingest(e, arrival: t0)[0].time == t0)
    }

    @Test("line states: the snapshot fires nothing, changes carry the previous values")
    func lines() {
        var l = LineTracker()
        #expect(
            l.ingest(
                LineStateEvent(customer: "K1", extension: "100", line: "idle", presence: "available"), snapshot: true, arrival: t0
            ) == nil)
        let change = l.ingest(LineStateEvent(customer: "K1", extension: "100", line: "ringing"), snapshot: false, arrival: t0)
        #expect(change?.line == "ringing")
        #expect(change?.previousLine == "idle")
        #expect(change?.presence == "available")
        #expect(l.ingest(LineStateEvent(customer: "K1", extension: "100", line: "ringing"), snapshot: false, arrival: t0) == nil)
    }
}
