/// What the call tracker keeps of a leg once it has ended: enough to
/// swallow its late duplicates for `endedRetention`, and to tell a late
/// hang-up of a leg callhook ended itself. The leg's numbers, names and
/// times are gone; a burst of short calls then costs a few dozen bytes a
/// call instead of a whole `CallLeg` (docs/architecture.md).
public struct EndedLeg: Sendable, Hashable {
    /// Arrival time of the leg's latest event, on the source's clock.
    public var lastArrival: EventTime
    /// Callhook ended the leg itself (cause `lost`).
    public var reconciled: Bool

    public init(lastArrival: EventTime, reconciled: Bool) {
        self.lastArrival = lastArrival
        self.reconciled = reconciled
    }

    init(_ leg: CallLeg) {
        self.init(lastArrival: leg.lastArrival, reconciled: leg.reconciled)
    }
}
