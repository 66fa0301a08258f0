/// What a finished group commit hands back to the dispatcher's loop.
struct CommitLanding: Sendable {
    /// Inserts skipped because their delivery id was already queued.
    var skipped: Int
    /// SQLite: per target refilled, what may be sent now, read in the
    /// commit's transaction after its writes (nil: the loop reads it
    /// itself, `DeliveryStore.due`).
    var due: [String: [Delivery]]?
    /// Targets whose full read saw every due delivery: until something
    /// else becomes due, the commit's own inserts are all there is to load.
    var exhausted: Set<String> = []
    /// Targets where a finished delivery left a pending one of its order
    /// key (`AppliedBatch.unblocked`); with `unblockedUnknown`, any target.
    var unblocked: Set<String> = []
    var unblockedUnknown = false
}
