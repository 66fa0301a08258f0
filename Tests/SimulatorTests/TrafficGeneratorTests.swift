import Calls
import Simulator
import Testing

@Suite("traffic generator")
struct TrafficGeneratorTests {
    func run(seed: UInt64, calls: Int) -> [SimulatedEvent] {
        var o = TrafficGenerator.Options()
        o.seed = seed
        o.calls = calls
        o.rate = 2
        var g = TrafficGenerator(options: o)
        var out: [SimulatedEvent] = []
        while let e = g.next() { out.append(e) }
        return out
    }

    @Test("the same seed gives the same timeline; another seed another")
    func deterministic() {
        let a = run(seed: 7, calls: 50)
        #expect(a == run(seed: 7, calls: 50))
        #expect(a != run(seed: 8, calls: 50))
    }

    @Test("events are in time order and every call ends")
    func complete() {
        let events = run(seed: 3, calls: 200)
        #expect(zip(events, events.dropFirst()).allSatisfy { $0.at <= $1.at })
        var legs: [String: [String]] = [:]
        for e in events {
            if case .call(let c) = e.payload { legs["\(c.uuid)/\(c.extension ?? "")", default: []].append(c.state) }
        }
        #expect(Set(events.map(\.callIndex)).count == 200)
        #expect(legs.values.allSatisfy { $0.last == "hangup" })
        #expect(legs.values.allSatisfy { $0.filter { $0 == "hangup" }.count == 1 })
    }

    @Test("the traffic has the mix the demo needs")
    func mix() {
        var tracker = CallTracker()
        var phases: [Phase: Int] = [:]
        var causes: [EndCause: Int] = [:]
        var vip = 0
        for e in run(seed: 11, calls: 400) {
            guard case .call(let c) = e.payload else { continue }
            if TrafficGenerator.vipNumbers.contains(c.caller ?? "") && c.state == "ring" { vip += 1 }
            for p in tracker.ingest(c, arrival: EventTime(nanoseconds: e.at.nanoseconds)) {
                phases[p.phase, default: 0] += 1
                if p.phase == .ended, let cause = p.leg.cause { causes[cause, default: 0] += 1 }
            }
        }
        for p in [Phase.incoming, .outgoing, .answered, .ended, .missed] { #expect(phases[p, default: 0] > 0, "\(p)") }
        for c in [EndCause.answered, .missed, .busy, .rejected, .cancelled] { #expect(causes[c, default: 0] > 0, "\(c)") }
        #expect(vip > 0)
    }
}
