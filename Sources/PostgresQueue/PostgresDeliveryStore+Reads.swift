import Delivery
import Foundation
import NIOCore
import PostgresNIO
import RuleEngine

extension PostgresDeliveryStore {
    /// Claims deliveries of `target` that may be sent now: pending, due,
    /// first among the pending ones of their order key, and not held by
    /// another live instance's lease. Each is leased to this instance for
    /// `lease` (database time); rows another instance is claiming at this
    /// moment are skipped, not waited for.
    public func due(target: String, now: Int64, limit: Int, skipping: Set<Int64>) async throws -> [Delivery] {
        var q = SQLBuilder()
        let t = q.bind(target)
        let n = q.bind(now)
        let me = q.bind(instanceID)
        let skip = q.bind(Array(skipping))
        let lim = q.bind(Int64(limit))
        let leaseMs = q.bind(Int64(lease.components.seconds * 1000 + lease.components.attoseconds / 1_000_000_000_000_000))
        let sql = """
            WITH claimable AS (
                SELECT d.seq FROM delivery AS d
                WHERE d.target = \(t) AND d.status = 'pending' AND d.next_attempt_at <= \(n)
                  AND (d.lease_owner IS NULL OR d.lease_owner = \(me) OR d.lease_until <= \(Self.databaseNow))
                  AND NOT (d.seq = ANY(\(skip)::bigint[]))
                  AND NOT EXISTS (SELECT 1 FROM delivery AS p
                                  WHERE p.order_key = d.order_key AND p.status = 'pending' AND p.seq < d.seq)
                ORDER BY d.seq LIMIT \(lim)
                FOR UPDATE SKIP LOCKED
            )
            UPDATE delivery SET lease_owner = \(me), lease_until = \(Self.databaseNow) + \(leaseMs)
            FROM claimable WHERE delivery.seq = claimable.seq
            RETURNING \(Self.qualifiedColumns)
            """
        return try await rows(q.query(sql)).map(Self.delivery).sorted { ($0.seq ?? 0) < ($1.seq ?? 0) }
    }

    public func pendingTargets() async throws -> [String] {
        try await rows("SELECT DISTINCT target FROM delivery WHERE status = 'pending'").map {
            try $0.decode(String.self)
        }
    }

    public func nextDue(after now: Int64) async throws -> Int64? {
        try await rows(
            "SELECT MIN(next_attempt_at) FROM delivery WHERE status = 'pending' AND next_attempt_at > \(now)"
        ).first.flatMap { try $0.decode(Int64?.self) }
    }

    public func counts() async throws -> [DeliveryStatus: Int] {
        var out: [DeliveryStatus: Int] = [.pending: 0, .delivered: 0, .dead: 0]
        for row in try await rows("SELECT status, COUNT(*) FROM delivery GROUP BY status") {
            let (status, n) = try row.decode((String, Int64).self)
            if let s = DeliveryStatus(rawValue: status) { out[s] = Int(n) }
        }
        return out
    }

    /// Pending and dead from the status index, without counting the
    /// delivered rows retention keeps (`counts()` does).
    public func depth() async throws -> (pending: Int, dead: Int) {
        let rows = try await rows(
            """
            SELECT (SELECT COUNT(*) FROM delivery WHERE status = 'pending'),
                   (SELECT COUNT(*) FROM delivery WHERE status = 'dead')
            """)
        guard let row = rows.first else { return (0, 0) }
        let (pending, dead) = try row.decode((Int64, Int64).self)
        return (Int(pending), Int(dead))
    }

    public func pendingCountsByTarget() async throws -> [String: Int] {
        var out: [String: Int] = [:]
        for row in try await rows("SELECT target, COUNT(*) FROM delivery WHERE status = 'pending' GROUP BY target") {
            let (target, n) = try row.decode((String, Int64).self)
            out[target] = Int(n)
        }
        return out
    }

    public func callVars(callID: String) async throws -> [String: String] {
        var out: [String: String] = [:]
        for row in try await rows("SELECT name, value FROM call_var WHERE call_id = \(callID)") {
            let (name, value) = try row.decode((String, String).self)
            out[name] = value
        }
        return out
    }

    public func list(status: DeliveryStatus?, limit: Int) async throws -> [Delivery] {
        try await page(DeliveryFilter(status: status), beforeSeq: nil, limit: limit)
    }

    public func page(_ filter: DeliveryFilter, beforeSeq: Int64?, limit: Int) async throws -> [Delivery] {
        var q = SQLBuilder()
        var conditions: [String] = []
        if let status = filter.status { conditions.append("status = \(q.bind(status.rawValue))") }
        if let target = filter.target { conditions.append("target = \(q.bind(target))") }
        if let call = filter.callID { conditions.append("call_id = \(q.bind(call))") }
        if let beforeSeq { conditions.append("seq < \(q.bind(beforeSeq))") }
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let sql = "SELECT \(Self.columns) FROM delivery\(whereClause) ORDER BY seq DESC LIMIT \(q.bind(Int64(limit)))"
        return try await rows(q.query(sql)).map(Self.delivery)
    }

    public func delivery(id: String) async throws -> (Delivery, [Attempt])? {
        var q = SQLBuilder()
        let p = q.bind(id)
        guard let row = try await rows(q.query("SELECT \(Self.columns) FROM delivery WHERE id = \(p)")).first else {
            return nil
        }
        let attempts = try await rows(
            "SELECT n, started_at, duration, status, error, response FROM attempt WHERE delivery_id = \(id) ORDER BY id"
        ).map { r in
            let (n, started, duration, status, error, response) = try r.decode(
                (Int64, Int64, Double, Int64?, String?, ByteBuffer).self)
            return Attempt(
                number: Int(n), startedAt: started, durationSeconds: duration, status: status.map(Int.init), error: error,
                response: Array(response.readableBytesView))
        }
        return (try Self.delivery(row), attempts)
    }

    /// The columns `delivery(_:)` reads, by position.
    static let columns = """
        seq, id, rule, target, phase, call_id, order_key, method, url, headers, body, body_escaping, uses_call_vars,
        capture, event_time, created_at, status, attempts, next_attempt_at, last_status, last_error, finished_at,
        late_bound
        """

    static let qualifiedColumns = columns.split(separator: ",").map {
        "delivery." + $0.trimmingCharacters(in: .whitespacesAndNewlines)
    }.joined(separator: ", ")

    static func delivery(_ row: PostgresRow) throws -> Delivery {
        let r = row.makeRandomAccess()
        func bytes(_ i: Int) throws -> [UInt8]? { try r[i].decode(ByteBuffer?.self).map { Array($0.readableBytesView) } }
        let capture = StoredFields.decodePairs(try bytes(13) ?? [])
        return Delivery(
            seq: try r[0].decode(Int64.self), id: try r[1].decode(String.self), rule: try r[2].decode(String.self),
            target: try r[3].decode(String.self), phase: try r[4].decode(String.self), callID: try r[5].decode(String.self),
            orderKey: try r[6].decode(String.self), method: try r[7].decode(String.self), url: try r[8].decode(String.self),
            headers: StoredFields.decodePairs(try bytes(9) ?? []).map { (name: $0.0, value: $0.1) }, body: try bytes(10),
            lateBound: StoredFields.decodeLateBound(try bytes(22)),
            bodyEscaping: Escaping(rawValue: try r[11].decode(String.self)) ?? .none,
            usesCallVars: try r[12].decode(Bool.self), capture: Dictionary(capture, uniquingKeysWith: { $1 }),
            eventTime: try r[14].decode(Int64.self), createdAt: try r[15].decode(Int64.self),
            status: DeliveryStatus(rawValue: try r[16].decode(String.self)) ?? .pending,
            attempts: Int(try r[17].decode(Int64.self)), nextAttemptAt: try r[18].decode(Int64.self),
            lastStatus: try r[19].decode(Int64?.self).map(Int.init), lastError: try r[20].decode(String?.self),
            finishedAt: try r[21].decode(Int64?.self))
    }
}
