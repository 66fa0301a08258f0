extension SQLiteDeliveryStore {
    /// An outcome applies only to the row the dispatcher read: still
    /// pending, with the attempt count it saw (the outcome's count, or one
    /// less when the outcome reports a new attempt). A `callhook queue retry`
    /// from another process in between (pending again, attempts back to 0)
    /// or a purge wins; the daemon's late outcome does not overwrite it. A
    /// retry of a pending delivery that had no attempt yet changes nothing
    /// an outcome could overwrite.
    static let outcomeGuard = "status = 'pending' AND attempts BETWEEN ? AND ?"

    /// The guard's bounds for one outcome.
    static func attemptsSeen(_ o: StoreBatch.Outcome) -> [Int] { [max(0, o.attempts - 1), o.attempts] }
}
