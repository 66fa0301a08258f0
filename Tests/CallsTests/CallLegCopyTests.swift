import Calls
import Testing

/// `CallLeg` shares its fields between copies until one changes
/// (`CallLegStorage`): every copy must still behave as a value of its own.
@Suite("call leg copies")
struct CallLegCopyTests {
    let t0 = EventTime(nanoseconds: 1_700_000_000_000_000_000)

    func ring(uuid: String = "u1") -> CallEvent {
        CallEvent(
            uuid: uuid, state: "ring", caller: "49891234567", callerContext: "global", callee: "100", calleeContext: "K1",
            direction: .inbound, extension: "100", customer: "K1", updated: t0.rfc3339())
    }

    func leg() -> CallLeg {
        var t = CallTracker()
        return t.ingest(ring(), arrival: t0)[0].leg
    }

    @Test("changing a copy leaves the original as it was, field by field")
    func copiesAreIndependent() {
        let original = leg()
        var copy = original
        #expect(copy == original)
        copy.caller = "4930123456"
        copy.callerName = "Someone"
        copy.answeredAt = t0 + .seconds(3)
        copy.fired.insert(.answered)
        copy.key = CallLeg.Key(customer: "K2", uuid: "u2", extension: "200")
        #expect(original.caller == "49891234567")
        #expect(original.callerName == nil)
        #expect(original.answeredAt == nil)
        #expect(!original.fired.contains(.answered))
        #expect(original.key == CallLeg.Key(customer: "K1", uuid: "u1", extension: "100"))
        #expect(copy.caller == "4930123456")
        #expect(copy.answered)
        #expect(copy != original)
    }

    @Test("the tracker's later changes do not reach a phase event already fired")
    func firedEventsKeepTheirLeg() {
        var t = CallTracker()
        let incoming = t.ingest(ring(), arrival: t0)
        var answer = ring()
        answer.state = "answer"
        answer.updated = (t0 + .seconds(4)).rfc3339()
        let answered = t.ingest(answer, arrival: t0 + .seconds(4))
        #expect(incoming[0].leg.answeredAt == nil)
        #expect(!incoming[0].leg.fired.contains(.answered))
        #expect(answered[0].leg.answeredAt == t0 + .seconds(4))
        #expect(t.activeLegs.first?.answeredAt == t0 + .seconds(4))
    }

    @Test("equal fields make equal legs with equal hashes, whether they share storage or not")
    func equalityFollowsTheFields() {
        var t1 = CallTracker()
        var t2 = CallTracker()
        let a = t1.ingest(ring(), arrival: t0)[0].leg
        let b = t2.ingest(ring(), arrival: t0)[0].leg
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        var c = b
        c.error = "busy"
        #expect(c != a)
        c.error = nil
        #expect(c == a)
        #expect(c.hashValue == a.hashValue)
        #expect(a != t1.ingest(ring(uuid: "u2"), arrival: t0)[0].leg)
        // What the engine keeps with a leg is not part of its value.
        c.annotation = Note(generation: 1)
        #expect(c == a)
        #expect(c.hashValue == a.hashValue)
        #expect(a.annotation == nil)
    }

    final class Note: LegAnnotation {
        let generation: UInt64
        init(generation: UInt64) { self.generation = generation }
    }

    @Test("the tracker asks for a new annotation when a number is filled in or the generation changed, and only then")
    func annotations() {
        var t = CallTracker()
        var asked = 0
        func annotate(_ generation: UInt64) -> (CallLeg) -> (any LegAnnotation)? {
            { _ in
                asked += 1
                return Note(generation: generation)
            }
        }
        var ring = ring()
        ring.caller = nil
        _ = t.ingest(ring, arrival: t0, generation: 1, annotate: annotate(1))
        #expect(asked == 1)
        var again = ring
        again.state = "ring"
        _ = t.ingest(again, arrival: t0, generation: 1, annotate: annotate(1))
        #expect(asked == 1)
        again.caller = "49891234567"
        _ = t.ingest(again, arrival: t0, generation: 1, annotate: annotate(1))
        #expect(asked == 2)
        _ = t.ingest(again, arrival: t0, generation: 2, annotate: annotate(2))
        #expect(asked == 3)
        #expect(t.activeLegs.first?.annotation?.generation == 2)
    }
}
