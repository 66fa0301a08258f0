import Calls

extension CallEngine {
    /// Ends the open legs a states snapshot shows idle (cause `lost`,
    /// `call.reconciled`); one `ended` result per leg.
    public mutating func reconcile(_ snapshot: LineSnapshot, now: EventTime) -> [EngineResult] {
        tracker.reconcile(snapshot).map { evaluate($0, now: now) }
    }

    /// Ends the legs silent past `[calls] max_ring` / `max_talk` at `now`
    /// (arrival clock), and lets go of ended legs past their retention.
    public mutating func endSilentLegs(now: EventTime) -> [EngineResult] {
        let ended = tracker.endSilentLegs(now: now).map { evaluate($0, now: now) }
        tracker.expire(now: now)
        return ended
    }
}
