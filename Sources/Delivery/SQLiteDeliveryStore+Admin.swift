import GRDB

/// The queries of the admin API (`GET /v1/deliveries`,
/// `POST /v1/deliveries/retry`).
extension SQLiteDeliveryStore {
    public func page(_ filter: DeliveryFilter, beforeSeq: Int64?, limit: Int) async throws -> [Delivery] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let status = filter.status {
            conditions.append("status = ?")
            _ = arguments.append(contentsOf: [status.rawValue])
        }
        if let target = filter.target {
            conditions.append("target = ?")
            _ = arguments.append(contentsOf: [target])
        }
        if let call = filter.callID {
            conditions.append("call_id = ?")
            _ = arguments.append(contentsOf: [call])
        }
        if let beforeSeq {
            conditions.append("seq < ?")
            _ = arguments.append(contentsOf: [beforeSeq])
        }
        _ = arguments.append(contentsOf: [limit])
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let sql = "SELECT \(Self.columns) FROM delivery\(whereClause) ORDER BY seq DESC LIMIT ?"
        let args = arguments
        return try await pool.read { db in try Self.deliveries(db, sql: sql, arguments: args) }
    }

    public func retryDead(target: String?, now: Int64) async throws -> Int {
        try await pool.write { db in
            if let target {
                try db.execute(sql: Self.retrySQL + " WHERE status = 'dead' AND target = ?", arguments: [now, target])
            } else {
                try db.execute(sql: Self.retrySQL + " WHERE status = 'dead'", arguments: [now])
            }
            return db.changesCount
        }
    }
}
