import GRDB

/// What the dispatcher reads from the queue on its own, every second or
/// two: each an index search whose cost does not grow with the delivered
/// rows retention keeps, nor (but for the pending count) with a backlog.
extension SQLiteDeliveryStore {
    /// Pending and dead, each a search of the status index: O(pending +
    /// dead). `counts()` walks every row retention keeps; with a million
    /// delivered rows that took 57 ms, every two seconds, while the
    /// dispatcher's loop waited for it (docs/benchmarks.md).
    public func depth() async throws -> (pending: Int, dead: Int) {
        try await pool.read { db in
            (try Int.fetchOne(db, sql: Self.pendingCountSQL) ?? 0, try Int.fetchOne(db, sql: Self.deadCountSQL) ?? 0)
        }
    }

    /// The targets with pending deliveries, read once a second: one step
    /// of the pending-by-target index per target (a loose index scan), not
    /// one per pending delivery. With 100,000 pending that is 0.05 ms
    /// instead of 25 ms (`SELECT DISTINCT`, which SQLite answered through
    /// the status index and a table read per row).
    static let pendingTargetsSQL = """
        WITH RECURSIVE t(target) AS (
            SELECT (SELECT MIN(target) FROM delivery INDEXED BY delivery_pending_by_target WHERE status = 'pending')
            UNION ALL
            SELECT (SELECT MIN(target) FROM delivery INDEXED BY delivery_pending_by_target
                    WHERE status = 'pending' AND target > t.target)
            FROM t WHERE t.target IS NOT NULL)
        SELECT target FROM t WHERE target IS NOT NULL
        """

    /// The next retry time, read once a second: one step into the
    /// pending-by-time index. Left to itself SQLite walked every pending
    /// row through the status index (17 ms with 100,000 pending, 0.02 ms
    /// this way).
    static let nextDueSQL = """
        SELECT MIN(next_attempt_at) FROM delivery INDEXED BY delivery_pending_by_time
        WHERE status = 'pending' AND next_attempt_at > ?
        """

    /// `depth()`'s two counts.
    static let pendingCountSQL = "SELECT COUNT(*) FROM delivery WHERE status = 'pending'"
    static let deadCountSQL = "SELECT COUNT(*) FROM delivery WHERE status = 'dead'"
}
