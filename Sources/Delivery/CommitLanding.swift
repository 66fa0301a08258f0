/// What a finished group commit hands back to the dispatcher's loop.
struct CommitLanding: Sendable {
    /// Inserts skipped because their delivery id was already queued.
    var skipped: Int
    /// SQLite: per target refilled, what may be sent now, read in the
    /// commit's transaction after its writes (nil: the loop reads it
    /// itself, `DeliveryStore.due`).
    var due: [String: [Delivery]]?
    /// Per target whose refill read the queue: the last position the read
    /// looked at, whether it saw every due delivery past where it began
    /// (`exhausted`), and whether it began at the start (`full`).
    var scanned: [String: (last: Int64?, exhausted: Bool, full: Bool)] = [:]
    /// Targets where a finished delivery left a pending one of its order
    /// key (`AppliedBatch.unblocked`); with `unblockedUnknown`, any target.
    var unblocked: Set<String> = []
    var unblockedUnknown = false
}
