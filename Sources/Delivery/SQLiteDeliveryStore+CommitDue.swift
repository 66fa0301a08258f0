import GRDB

extension SQLiteDeliveryStore {
    /// One target's refill in a commit's transaction, by what the caller
    /// holds of it: nothing known (nil) reads what is due from the start
    /// (up to `limit`, past the ones the caller holds); `.upTo(seq)` reads
    /// past that position only; `.all` reads nothing and hands back the
    /// batch's own inserts that may go at once.
    typealias Refill = (target: String, limit: Int, holding: QueueMark?)

    /// Commits `batch` and, in the same transaction, reads each of
    /// `refills`: one trip to the writer instead of a commit and then a
    /// read, and while the caller holds everything due, a new request is
    /// sent from what was just written, not read back (the dispatcher's
    /// commit, `Dispatcher+Commit.swift`).
    ///
    /// With `probeSuccessors` each delivery that finished is looked at for
    /// a pending one of its order key (`CommitLanding.unblocked`).
    func commit(
        _ batch: StoreBatch, refills: [Refill], probeSuccessors: Bool, now: Int64, skipping: Set<Int64>
    ) async throws -> CommitLanding {
        do {
            let result = try await pool.write { db -> CommitLanding in
                var applied = AppliedBatch()
                let fresh = Set(refills.filter { $0.holding == .all }.map(\.target))
                try self.apply(batch, to: db, fresh: fresh, probeSuccessors: probeSuccessors, into: &applied)
                var landing = CommitLanding(skipped: applied.skipped, due: [:])
                landing.unblocked = applied.unblocked
                landing.unblockedUnknown = applied.unblockedUnknown
                for r in refills {
                    switch r.holding {
                    case .all:
                        if let fresh = applied.fresh[r.target] { landing.due?[r.target] = fresh }
                    case let from:
                        let after: Int64? = if case .upTo(let seq) = from { seq } else { nil }
                        let read = try Self.dueRead(
                            db, target: r.target, now: now, limit: r.limit, after: after, skipping: skipping)
                        landing.due?[r.target] = read.rows
                        landing.scanned[r.target] = (read.last, read.exhausted, after == nil)
                    }
                }
                return landing
            }
            writeHealth.record(success: true)
            return result
        } catch {
            writeHealth.record(success: false)
            throw error
        }
    }

    /// After a delivery finished (delivered or dead): a pending delivery
    /// of its order key now comes first and may be due; its target needs
    /// a full read. (Without `INDEXED BY` SQLite walks every pending row
    /// by status, having no statistics to choose the order-key index.)
    static func noteUnblocked(_ o: StoreBatch.Outcome, db: Database, into out: inout AppliedBatch) throws {
        guard let seq = o.seq else {
            out.unblockedUnknown = true
            return
        }
        let next = try RawStatement(
            db.cachedStatement(
                sql: """
                    SELECT p.target FROM delivery AS p INDEXED BY delivery_pending_by_order
                    WHERE p.order_key = (SELECT order_key FROM delivery WHERE seq = ?) AND p.status = 'pending'
                    LIMIT 1
                    """))
        next.reset()
        next.bind(1, seq)
        if try next.next(db) {
            out.unblocked.insert(next.string(0))
            next.rewind()
        }
    }
}
