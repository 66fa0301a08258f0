import Calls
import RuleEngine
import Synchronization

/// The class each active call leg was given, for `GET /v1/calls`: kept from
/// the engine's results (the pipeline's observer), forgotten when the leg
/// ends or is no longer tracked.
final class ActiveCalls: Sendable {
    private let classes = Mutex<[CallLeg.Key: String]>([:])

    /// The pipeline's observer.
    func record(_ result: EngineResult) {
        guard let event = result.event else { return }
        let key = event.leg.key
        classes.withLock { c in
            if result.phase == .ended || result.phase == .missed {
                c[key] = nil
            } else if let name = result.classification?.name {
                c[key] = name
            }
        }
    }

    /// The classes of `legs`; drops what is kept for any other leg.
    func classes(of legs: [CallLeg]) -> [CallLeg.Key: String] {
        let keys = Set(legs.map(\.key))
        return classes.withLock { c in
            c = c.filter { keys.contains($0.key) }
            return c
        }
    }

    /// The phase a leg is in: `answered` once answered, else `incoming` or
    /// `outgoing`.
    static func phase(_ leg: CallLeg) -> String {
        if leg.answered { return Phase.answered.rawValue }
        return leg.direction == .inbound ? Phase.incoming.rawValue : Phase.outgoing.rawValue
    }
}
