import Calls
import Testing

/// No call is left open (runtime.md, "Call tracker"): states snapshots and
/// the `max_ring` / `max_talk` bounds end legs as `lost`, exactly once.
@Suite("call tracker: reconciling lost ends")
struct CallTrackerReconcileTests {
    let t0 = EventTime(nanoseconds: 1_767_225_600_000_000_000)

    /// An NFON call object of tenant K1.
    func nfon(_ uuid: String, _ state: String, ext: String = "100", at seconds: Int, error: String? = nil) -> CallEvent {
        CallEvent(
            uuid: uuid, state: state, caller: "49891234567", callerContext: "global", callee: ext, calleeContext: "K1",
            direction: .inbound, extension: ext, customer: "K1", updated: (t0 + .seconds(seconds)).rfc3339(), error: error)
    }

    /// A call as the HTTP ingest builds it from a sipgate.io push: its own
    /// customer, E.164 numbers, no contexts.
    func ingest(_ uuid: String, _ state: String, at seconds: Int, direction: Direction = .inbound) -> CallEvent {
        CallEvent(
            uuid: uuid, state: state, caller: direction == .inbound ? "+4989123456" : "w0",
            callee: direction == .inbound ? "w0" : "+4989123456", direction: direction, extension: "w0", customer: "ingest",
            updated: (t0 + .seconds(seconds)).rfc3339(), callerName: "Anna")
    }

    func feed(_ t: inout CallTracker, _ e: CallEvent, arrivalOffset seconds: Int) -> [CallPhaseEvent] {
        t.ingest(e, arrival: t0 + .seconds(seconds))
    }

    func snapshot(_ lines: [String: String], updated seconds: Int, requested: Int, customer: String = "K1") -> LineSnapshot {
        LineSnapshot(
            customer: customer,
            states: lines.map {
                LineStateEvent(
                    extension: $0.key, line: $0.value, presence: "available", updated: (t0 + .seconds(seconds)).rfc3339())
            },
            requested: t0 + .seconds(requested), arrival: t0 + .seconds(requested + 1))
    }

    @Test("a snapshot ends the answered leg of an idle extension once; a busy extension's leg stays open")
    func snapshotEndsIdleLegs() {
        var t = CallTracker()
        for e in [nfon("a", "ring", at: 0), nfon("a", "answer", at: 2), nfon("b", "ring", ext: "101", at: 3)] {
            _ = feed(&t, e, arrivalOffset: 3)
        }
        _ = feed(&t, nfon("b", "answer", ext: "101", at: 4), arrivalOffset: 4)
        let ended = t.reconcile(snapshot(["100": "idle", "101": "in-use"], updated: 30, requested: 40))
        #expect(ended.map(\.phase) == [.ended])
        let leg = ended[0].leg
        #expect(leg.key.uuid == "a")
        #expect(leg.cause == .lost && leg.reconciled && leg.reconciledBy == .snapshot)
        #expect(leg.endedAt == t0 + .seconds(30))  // when the extension went idle
        #expect(leg.talkDuration == .seconds(28))
        // The same snapshot again, and a late real hang-up: nothing more.
        #expect(t.reconcile(snapshot(["100": "idle", "101": "in-use"], updated: 30, requested: 50)).isEmpty)
        #expect(feed(&t, nfon("a", "hangup", at: 31), arrivalOffset: 60).isEmpty)
        #expect(t.lateHangupCount == 1)
        // The call in use across the outage ends normally.
        let b = feed(&t, nfon("b", "hangup", ext: "101", at: 90), arrivalOffset: 90)
        #expect(b.map(\.phase) == [.ended])
        #expect(b[0].leg.cause == .answered && !b[0].leg.reconciled)
    }

    @Test("a ringing leg of an idle extension ends as lost, never missed")
    func ringingLegIsNeverMissed() {
        var t = CallTracker()
        _ = feed(&t, nfon("r", "ring", at: 0), arrivalOffset: 0)
        let ended = t.reconcile(snapshot(["100": "offline"], updated: 5, requested: 10))
        #expect(ended.map(\.phase) == [.ended])
        #expect(ended[0].leg.cause == .lost && !ended[0].leg.answered)
        #expect(!ended[0].leg.fired.contains(.missed))
    }

    @Test("legs newer than the snapshot, of another account, or of an unlisted extension stay open")
    func snapshotLeavesOthersAlone() {
        var t = CallTracker()
        _ = feed(&t, nfon("new", "ring", at: 0), arrivalOffset: 20)  // arrived after the request
        _ = feed(&t, nfon("unlisted", "ring", ext: "300", at: 0), arrivalOffset: 0)
        _ = feed(&t, ingest("other", "ring", at: 0), arrivalOffset: 0)
        #expect(t.reconcile(snapshot(["100": "idle", "w0": "idle"], updated: 5, requested: 10)).isEmpty)
        #expect(t.activeLegs.count == 3)
        // `ringing`, `in-use` and `unknown` are not idle.
        for line in ["ringing", "in-use", "unknown"] {
            #expect(t.reconcile(snapshot(["300": line], updated: 5, requested: 30)).isEmpty)
        }
        // A snapshot of the ingest customer ends its leg.
        #expect(t.reconcile(snapshot(["w0": "idle"], updated: 5, requested: 10, customer: "ingest")).count == 1)
    }

    @Test("an end time never comes before the last event seen of the leg")
    func endNeverBeforeLastEvent() {
        var t = CallTracker()
        _ = feed(&t, nfon("a", "ring", at: 0), arrivalOffset: 0)
        _ = feed(&t, nfon("a", "answer", at: 50), arrivalOffset: 50)
        let ended = t.reconcile(snapshot(["100": "idle"], updated: 10, requested: 60))
        #expect(ended.first?.leg.endedAt == t0 + .seconds(50))
    }

    @Test("max_ring ends a silent ringing NFON leg at its last event plus max_ring, once")
    func maxRingNFON() {
        var t = CallTracker(maxRing: .seconds(600), maxTalk: .seconds(12 * 3600))
        _ = feed(&t, nfon("r", "ring", at: 0), arrivalOffset: 0)
        #expect(t.endSilentLegs(now: t0 + .seconds(599)).isEmpty)
        let ended = t.endSilentLegs(now: t0 + .seconds(600))
        #expect(ended.map(\.phase) == [.ended])
        #expect(ended[0].leg.cause == .lost && ended[0].leg.reconciledBy == .maxRing)
        #expect(ended[0].leg.endedAt == t0 + .seconds(600))
        #expect(ended[0].leg.ringDuration == .seconds(600))
        #expect(t.endSilentLegs(now: t0 + .seconds(7200)).isEmpty)
        #expect(feed(&t, nfon("r", "hangup", at: 700, error: "timeout"), arrivalOffset: 700).isEmpty)
        #expect(t.lateHangupCount == 1)
    }

    @Test("max_talk ends a silent answered NFON leg; an event before the bound keeps it open")
    func maxTalkNFON() {
        var t = CallTracker(maxRing: .seconds(600), maxTalk: .seconds(3600))
        _ = feed(&t, nfon("a", "ring", at: 0), arrivalOffset: 0)
        _ = feed(&t, nfon("a", "answer", at: 5), arrivalOffset: 5)
        // Answered: max_ring no longer applies.
        #expect(t.endSilentLegs(now: t0 + .seconds(1800)).isEmpty)
        // Any event restarts the silence.
        _ = feed(&t, nfon("a", "answer", at: 3000), arrivalOffset: 3000)
        #expect(t.endSilentLegs(now: t0 + .seconds(3605)).isEmpty)
        let ended = t.endSilentLegs(now: t0 + .seconds(6600))
        #expect(ended.map(\.phase) == [.ended])
        #expect(ended[0].leg.reconciledBy == .maxTalk && ended[0].leg.cause == .lost)
        #expect(ended[0].leg.endedAt == t0 + .seconds(6600))
        #expect(ended[0].leg.talkDuration == .seconds(6595))
    }

    @Test("max_ring and max_talk end ingest legs (own customer, no contexts) the same way")
    func boundsForIngestLegs() {
        var t = CallTracker(maxRing: .seconds(120), maxTalk: .seconds(600))
        _ = feed(&t, ingest("sg-1", "ring", at: 0), arrivalOffset: 0)
        _ = feed(&t, ingest("sg-2", "ring", at: 0, direction: .outbound), arrivalOffset: 0)
        _ = feed(&t, ingest("sg-2", "answer", at: 10, direction: .outbound), arrivalOffset: 10)
        let ring = t.endSilentLegs(now: t0 + .seconds(120))
        #expect(ring.map(\.leg.key.uuid) == ["sg-1"])
        #expect(ring[0].leg.key.customer == "ingest" && ring[0].leg.reconciledBy == .maxRing)
        #expect(!ring[0].leg.fired.contains(.missed))
        let talk = t.endSilentLegs(now: t0 + .seconds(610))
        #expect(talk.map(\.leg.key.uuid) == ["sg-2"])
        #expect(talk[0].leg.reconciledBy == .maxTalk && talk[0].leg.direction == .outbound)
        #expect(t.activeLegs.isEmpty)
    }

    @Test("silence is measured on arrival, so old `updated` values do not end a leg at once")
    func silenceOnArrival() {
        var t = CallTracker(maxRing: .seconds(600))
        var e = nfon("old", "ring", at: 0)
        e.updated = "2020-01-01T00:00:00Z"
        _ = feed(&t, e, arrivalOffset: 0)
        #expect(t.endSilentLegs(now: t0 + .seconds(300)).isEmpty)
        let ended = t.endSilentLegs(now: t0 + .seconds(600))
        #expect(ended.count == 1)
        #expect(ended[0].leg.endedAt == EventTime(rfc3339: "2020-01-01T00:10:00Z"))
    }

    @Test("after retention a reconciled leg is remembered by key: its late hang-up still fires nothing")
    func tombstones() {
        var t = CallTracker(maxRing: .seconds(60))
        t.maxTombstones = 2
        for u in ["a", "b", "c"] { _ = feed(&t, nfon(u, "ring", at: 0), arrivalOffset: 0) }
        #expect(t.endSilentLegs(now: t0 + .seconds(60)).count == 3)
        #expect(t.legs.isEmpty && t.ended.count == 3)
        t.expire(now: t0 + .seconds(3600))
        #expect(t.legCount == 0)
        #expect(t.tombstones.count == 2)  // capped
        let remembered = t.tombstones.keys.first!.uuid
        #expect(feed(&t, nfon(remembered, "hangup", at: 3601), arrivalOffset: 3601).isEmpty)
        #expect(t.lateHangupCount == 1)
        t.expire(now: t0 + .seconds(3 * 86400))
        #expect(t.tombstones.isEmpty)
    }
}
