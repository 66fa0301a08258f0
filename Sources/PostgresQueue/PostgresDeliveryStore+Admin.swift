import Delivery
import PostgresNIO

/// Repairs: retries, purges, retention, orphaned targets.
extension PostgresDeliveryStore {
    /// Pending again, with a fresh set of attempts, due at once, unclaimed.
    static let retrySQL = """
        UPDATE delivery SET status = 'pending', attempts = 0, next_attempt_at = $1, finished_at = NULL,
            lease_owner = NULL, lease_until = NULL
        """

    /// Runs one changing statement; returns the rows it changed.
    func changed(_ sql: String, _ build: (inout SQLBuilder) -> Void = { _ in }) async throws -> Int {
        var q = SQLBuilder()
        build(&q)
        return try await rows(q.query(sql + " RETURNING 1")).count
    }

    public func retry(ids: [String], now: Int64) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await changed(Self.retrySQL + " WHERE id = ANY($2::text[])") { q in
            _ = q.bind(now)
            _ = q.bind(ids)
        }
    }

    public func retryDead(now: Int64) async throws -> Int {
        try await changed(Self.retrySQL + " WHERE status = 'dead'") { _ = $0.bind(now) }
    }

    public func retryDead(target: String?, now: Int64) async throws -> Int {
        guard let target else { return try await retryDead(now: now) }
        return try await changed(Self.retrySQL + " WHERE status = 'dead' AND target = $2") { q in
            _ = q.bind(now)
            _ = q.bind(target)
        }
    }

    public func retarget(ids: [String], to target: String, now: Int64) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await changed(
            Self.retrySQL + ", target = $2, last_error = NULL WHERE id = ANY($3::text[]) AND status IN ('pending', 'dead')"
        ) { q in
            _ = q.bind(now)
            _ = q.bind(target)
            _ = q.bind(ids)
        }
    }

    public func purgeDead(before: Int64?) async throws -> Int {
        try await changed("DELETE FROM delivery WHERE status = 'dead' AND finished_at < $1") { _ = $0.bind(before ?? Int64.max) }
    }

    public func purgeOrphaned(known: Set<String>) async throws -> Int {
        try await changed("DELETE FROM delivery WHERE status = 'pending' AND NOT (target = ANY($1::text[]))") {
            _ = $0.bind(Array(known))
        }
    }

    /// The conditions again outside the chunk's select: a row another
    /// instance or `queue retry` made pending between the two is kept.
    public func prune(before: Int64, limit: Int) async throws -> (deliveries: Int, more: Bool) {
        try await transaction { c in
            let n = try await c.query(
                """
                DELETE FROM delivery WHERE seq IN (
                    SELECT seq FROM delivery WHERE status IN ('delivered', 'dead') AND finished_at < \(before) LIMIT \(limit))
                  AND status IN ('delivered', 'dead') AND finished_at < \(before)
                RETURNING 1
                """,
                logger: self.queryLogger
            ).collect().count
            let v = try await c.query(
                """
                DELETE FROM call_var WHERE ctid IN (SELECT ctid FROM call_var WHERE updated_at < \(before) LIMIT \(limit))
                  AND updated_at < \(before)
                RETURNING 1
                """, logger: self.queryLogger
            ).collect().count
            return (n, n >= limit || v >= limit)
        }
    }
}
