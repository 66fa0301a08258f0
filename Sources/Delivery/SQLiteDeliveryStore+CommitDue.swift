import GRDB

extension SQLiteDeliveryStore {
    /// Commits `batch` (returning the skipped inserts, as `commit`) and, in
    /// the same transaction, reads what is due for
    /// each of `refills` (target, limit): one trip to the writer instead of
    /// a commit and then a read, so a new request is on its way one thread
    /// hand-off sooner (the dispatcher's round, `Dispatcher+Round.swift`).
    func commit(
        _ batch: StoreBatch, thenDue refills: [(target: String, limit: Int)], now: Int64, skipping: Set<Int64>
    ) async throws -> (skipped: Int, due: [String: [Delivery]]) {
        do {
            let result = try await pool.write { db -> (Int, [String: [Delivery]]) in
                let skipped = try self.apply(batch, to: db)
                var out: [String: [Delivery]] = [:]
                for r in refills {
                    out[r.target] = try Self.due(db, target: r.target, now: now, limit: r.limit, skipping: skipping)
                }
                return (skipped, out)
            }
            writeHealth.record(success: true)
            return result
        } catch {
            writeHealth.record(success: false)
            throw error
        }
    }
}
