import Calls
import Testing

@testable import RuleEngine

@Suite("template variables")
struct VariablesTests {
    func walk(_ tree: [String: Any], _ path: [String]) -> Any? {
        var current: Any = tree
        for part in path {
            guard let d = current as? [String: Any], let n = d[part] else { return nil }
            current = n
        }
        return current
    }

    func same(_ a: Any?, _ b: Any?) -> Bool {
        switch (a, b) {
        case (nil, nil): true
        case (let x as String, let y as String): x == y
        case (let x as Bool, let y as Bool): x == y
        case (let x as Int, let y as Int): x == y
        case (is [String: Any], is [String: Any]): true
        default: false
        }
    }

    @Test("values resolved on demand equal the full tree, for every variable")
    func resolverMatchesTree() throws {
        var settings = Settings()
        settings.countryCode = "49"
        let set = RuleSet(settings: settings, classes: [], targets: [:], rules: [])
        let t0 = EventTime(nanoseconds: 1_700_000_000_000_000_000)
        func lastLeg(_ events: [CallEvent]) -> CallLeg {
            var tracker = CallTracker()
            return events.flatMap { tracker.ingest($0, arrival: t0) }.last!.leg
        }
        let inbound = lastLeg([
            CallEvent(
                uuid: "u1", state: "ring", caller: "0891234567", callerContext: "global", callee: "100", calleeContext: "K1",
                direction: .inbound, extension: "100", customer: "K1", updated: "2026-01-01T10:00:00Z", callerName: "Eve"),
            CallEvent(
                uuid: "u1", state: "answer", direction: .inbound, extension: "100", customer: "K1",
                updated: "2026-01-01T10:00:03Z"),
            CallEvent(
                uuid: "u1", state: "hangup", direction: .inbound, extension: "100", customer: "K1",
                updated: "2026-01-01T10:01:00Z"),
        ])
        let outbound = lastLeg([
            CallEvent(
                uuid: "u2", state: "dial", caller: "101", callerContext: "K1", callee: "anonymous", calleeContext: "global",
                direction: .outbound, extension: "101", customer: "K1")
        ])
        var lines = LineTracker()
        _ = lines.ingest(LineStateEvent(customer: "K1", extension: "100", line: "ringing"), snapshot: true, arrival: t0)
        let change = lines.ingest(
            LineStateEvent(customer: "K1", extension: "100", line: "idle", presence: "dnd"), snapshot: false, arrival: t0)!
        let directory = ["100": "Anna", "101": "Ben"]
        // The same legs with their parties kept (`LegParties`), as the
        // engine evaluates them: `value(at:)` then reads the numbers there.
        let box = RuleSetBox(set)
        let generation = LegParties.nextGeneration()
        func kept(_ leg: CallLeg) -> CallLeg {
            var l = leg
            l.annotation = LegParties(l, box: box, directory: directory, generation: generation)
            return l
        }
        let contexts = [
            EvaluationContext(
                rules: set, phase: .ended, leg: inbound, lineChange: nil, time: t0, directory: directory),
            EvaluationContext(
                rules: set, phase: .outgoing, leg: outbound, lineChange: nil, time: t0, directory: directory),
            EvaluationContext(rules: set, phase: .line, leg: nil, lineChange: change, time: t0, directory: directory),
            EvaluationContext(
                box: box, phase: .ended, leg: kept(inbound), lineChange: nil, time: t0, directory: directory,
                partiesGeneration: generation),
            EvaluationContext(
                box: box, phase: .outgoing, leg: kept(outbound), lineChange: nil, time: t0, directory: directory,
                partiesGeneration: generation),
        ]
        #expect(contexts.map(\.usesKeptParties) == [false, false, false, true, true])
        let paths = CallEngine.knownPaths + ["call.vars.x", "remote.custom.Tier", "nope", "call.nope", "remote.nope.deeper"]
        for c in contexts {
            c.classification = Classification(name: "external", ringtone: "ext", alertInfo: nil)
            let tree = c.tree()
            for p in paths {
                let path = p.split(separator: ".").map(String.init)
                #expect(same(c.value(at: path), walk(tree, path)), "\(c.phase) \(p)")
            }
        }
    }
}
