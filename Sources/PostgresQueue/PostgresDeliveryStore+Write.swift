import Delivery
import NIOCore
import PostgresNIO

/// Group commit: one batch, one transaction, a few multi-row statements.
extension PostgresDeliveryStore {
    /// Rows per statement (PostgreSQL takes at most 65,535 parameters).
    static let chunk = 1000

    static let insertColumns = """
        id, rule, target, phase, call_id, order_key, method, url, headers, body, body_escaping, uses_call_vars,
        capture, event_time, created_at, status, attempts, next_attempt_at, late_bound
        """

    /// Writes `batch` on `c` (inside a transaction); returns the inserts
    /// skipped because their id was already queued.
    func write(_ batch: StoreBatch, on c: PostgresConnection) async throws -> Int {
        var skipped = 0
        for part in stride(from: 0, to: batch.inserts.count, by: Self.chunk) {
            let rows = batch.inserts[part..<min(part + Self.chunk, batch.inserts.count)]
            var q = SQLBuilder()
            var values: [String] = []
            for d in rows {
                values.append(
                    "("
                        + [
                            q.bind(d.id), q.bind(d.rule), q.bind(d.target), q.bind(d.phase), q.bind(d.callID),
                            q.bind(d.orderKey), q.bind(d.method), q.bind(d.url),
                            q.bind(Self.bytes(StoredFields.encodePairs(d.headers.map { ($0.name, $0.value) }))),
                            q.bind(d.body.map(Self.bytes)), q.bind(d.bodyEscaping.rawValue), q.bind(d.usesCallVars),
                            q.bind(Self.bytes(StoredFields.encodePairs(d.capture.sorted { $0.key < $1.key }))),
                            q.bind(d.eventTime), q.bind(d.createdAt), q.bind(d.status.rawValue), q.bind(Int64(d.attempts)),
                            q.bind(d.nextAttemptAt), q.bind(StoredFields.encodeLateBound(d.lateBound).map(Self.bytes)),
                        ].joined(separator: ", ") + ")")
            }
            let sql = """
                INSERT INTO delivery (\(Self.insertColumns)) VALUES \(values.joined(separator: ", "))
                ON CONFLICT (id) DO NOTHING RETURNING seq
                """
            let inserted = try await c.query(q.query(sql), logger: logger).collect().count
            skipped += rows.count - inserted
        }
        for part in stride(from: 0, to: batch.outcomes.count, by: Self.chunk) {
            try await writeOutcomes(batch.outcomes[part..<min(part + Self.chunk, batch.outcomes.count)], on: c)
        }
        if !batch.callVars.isEmpty { try await writeCallVars(batch.callVars, on: c) }
        return skipped
    }

    /// The outcome guard of `SQLiteDeliveryStore`: an outcome applies only
    /// to a row still pending with the attempt count the dispatcher saw (a
    /// retry or purge in between wins). It gives the claim back.
    private func writeOutcomes(_ outcomes: ArraySlice<StoreBatch.Outcome>, on c: PostgresConnection) async throws {
        var q = SQLBuilder()
        var values: [String] = []
        var attempts: [String] = []
        var a = SQLBuilder()
        for o in outcomes {
            values.append(
                "(\(q.bind(o.id))::text, \(q.bind(o.status.rawValue))::text, \(q.bind(Int64(o.attempts)))::bigint, "
                    + "\(q.bind(o.nextAttemptAt))::bigint, \(q.bind(o.lastStatus.map(Int64.init)))::bigint, "
                    + "\(q.bind(o.lastError))::text, \(q.bind(o.finishedAt))::bigint, "
                    + "\(q.bind(Int64(max(0, o.attempts - 1))))::bigint)")
            if let t = o.attempt {
                attempts.append(
                    "(\(a.bind(o.id))::text, \(a.bind(Int64(t.number)))::bigint, \(a.bind(t.startedAt))::bigint, "
                        + "\(a.bind(t.durationSeconds))::float8, \(a.bind(t.status.map(Int64.init)))::bigint, "
                        + "\(a.bind(t.error))::text, \(a.bind(Self.bytes(t.response)))::bytea)")
            }
        }
        try await c.query(
            q.query(
                """
                UPDATE delivery AS d SET status = v.status, attempts = v.attempts, next_attempt_at = v.next,
                    last_status = v.last_status, last_error = v.last_error, finished_at = v.finished,
                    lease_owner = NULL, lease_until = NULL
                FROM (VALUES \(values.joined(separator: ", "))) AS v(id, status, attempts, next, last_status, last_error, finished, seen)
                WHERE d.id = v.id AND d.status = 'pending' AND d.attempts BETWEEN v.seen AND v.attempts
                """), logger: logger)
        guard !attempts.isEmpty else { return }
        try await c.query(
            a.query(
                """
                INSERT INTO attempt (delivery_id, n, started_at, duration, status, error, response)
                SELECT v.* FROM (VALUES \(attempts.joined(separator: ", "))) AS v(id, n, started, duration, status, error, response)
                WHERE EXISTS (SELECT 1 FROM delivery WHERE delivery.id = v.id)
                """), logger: logger)
    }

    private func writeCallVars(
        _ vars: [(callID: String, name: String, value: String)], on c: PostgresConnection
    ) async throws {
        // One row per (call, name), the last value winning: one statement
        // may not update a row twice.
        var last: [String: Int] = [:]
        for (i, v) in vars.enumerated() { last[v.callID + "\u{0}" + v.name] = i }
        let now = clock.wallMilliseconds
        var q = SQLBuilder()
        let values = last.values.sorted().map { i in
            "(\(q.bind(vars[i].callID)), \(q.bind(vars[i].name)), \(q.bind(vars[i].value)), \(q.bind(now)))"
        }
        try await c.query(
            q.query(
                """
                INSERT INTO call_var (call_id, name, value, updated_at) VALUES \(values.joined(separator: ", "))
                ON CONFLICT (call_id, name) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at
                """), logger: logger)
    }

    static func bytes(_ b: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: b) }
}
