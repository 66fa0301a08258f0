/// What writing a batch found out, beyond the writes (the SQLite queue's
/// commit for the dispatcher, `SQLiteDeliveryStore+CommitDue.swift`).
struct AppliedBatch {
    /// Inserts skipped because their delivery id was already queued.
    var skipped = 0
    /// Per tracked target, the new deliveries that may go at once (first
    /// pending one of their order key), with their `seq`, in queue order.
    var fresh: [String: [Delivery]] = [:]
    /// Tracked targets where a delivery that finished leaves a pending one
    /// of its order key behind (now due, or due later), or where that was
    /// not known (an outcome without `seq`).
    var unblocked: Set<String> = []
    var unblockedUnknown = false
}
