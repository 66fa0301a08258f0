import GRDB

extension SQLiteDeliveryStore {
    public func pendingCountsByTarget() async throws -> [String: Int] {
        try await pool.read { db in
            var out: [String: Int] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT target, COUNT(*) AS n FROM delivery INDEXED BY delivery_pending_by_target
                    WHERE status = 'pending' GROUP BY target
                    """)
            {
                out[row["target"]] = row["n"]
            }
            return out
        }
    }

    public func retarget(ids: [String], to target: String, now: Int64) async throws -> Int {
        try await pool.write { db in
            var changed = 0
            for id in ids {
                try db.execute(
                    sql: Self.retrySQL + ", target = ?, last_error = NULL WHERE id = ? AND status IN ('pending', 'dead')",
                    arguments: [now, target, id])
                changed += db.changesCount
            }
            return changed
        }
    }

    public func purgeOrphaned(known: Set<String>) async throws -> Int {
        try await pool.write { db in
            let placeholders = Array(repeating: "?", count: known.count).joined(separator: ",")
            let condition = known.isEmpty ? "" : " AND target NOT IN (\(placeholders))"
            try db.execute(
                sql: "DELETE FROM delivery WHERE status = 'pending'" + condition,
                arguments: StatementArguments(Array(known)))
            return db.changesCount
        }
    }
}
