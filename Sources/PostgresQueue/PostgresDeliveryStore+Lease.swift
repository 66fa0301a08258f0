import Delivery
import PostgresNIO

/// Claims that outlive no instance, and the instances' share of the limits.
extension PostgresDeliveryStore {
    /// A third of the lease, at most 5 s: the heartbeat and the renewal of
    /// this instance's claims.
    var upkeepInterval: Duration { min(lease / 3, .seconds(5)) }

    var leaseMilliseconds: Int64 { lease.components.seconds * 1000 + lease.components.attoseconds / 1_000_000_000_000_000 }

    /// Until cancelled: beats the heartbeat, renews this instance's claims,
    /// counts the live instances, forgets long-dead ones.
    func upkeep() async {
        var failing = false
        while !Task.isCancelled {
            do {
                try await beat()
                if failing {
                    failing = false
                    logger.notice("the delivery queue's heartbeat works again")
                }
            } catch is CancellationError {
                return
            } catch {
                if !failing {
                    failing = true
                    logger.error(
                        "the delivery queue's heartbeat and lease renewal failed; trying again", metadata: ["error": "\(error)"])
                }
            }
            try? await Task.sleep(for: upkeepInterval)
        }
    }

    /// One heartbeat: this instance is alive, its claims are renewed.
    func beat() async throws {
        let me = instanceID
        let ms = leaseMilliseconds
        let live = try await retryingConflicts {
            try await self.beatTransaction(me: me, ms: ms)
        }
        liveInstances.store(max(1, Int(live)), ordering: .relaxed)
    }

    /// The heartbeat's statements, in one transaction.
    private func beatTransaction(me: String, ms: Int64) async throws -> Int64 {
        try await transaction { c in
            try await c.query(
                """
                INSERT INTO instance (id, seen_at) VALUES (\(me), \(unescaped: Self.databaseNow))
                ON CONFLICT (id) DO UPDATE SET seen_at = EXCLUDED.seen_at
                """, logger: self.queryLogger)
            try await c.query(
                """
                UPDATE delivery SET lease_until = \(unescaped: Self.databaseNow) + \(ms)
                WHERE lease_owner = \(me) AND status = 'pending'
                """, logger: self.queryLogger)
            try await c.query(
                "DELETE FROM instance WHERE seen_at < \(unescaped: Self.databaseNow) - \(ms * 10)", logger: self.queryLogger)
            let rows = try await c.query(
                "SELECT COUNT(*) FROM instance WHERE seen_at >= \(unescaped: Self.databaseNow) - \(ms)", logger: self.queryLogger
            ).collect()
            return try rows.first?.decode(Int64.self) ?? 1
        }
    }

    /// At shutdown: this instance's claims go back, and it leaves the
    /// instances, so that peers take over at once rather than after the lease.
    func releaseClaims() async {
        let me = instanceID
        do {
            try await transaction { c in
                try await c.query(
                    "UPDATE delivery SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = \(me)",
                    logger: self.queryLogger)
                try await c.query("DELETE FROM instance WHERE id = \(me)", logger: self.queryLogger)
            }
        } catch {
            logger.warning(
                "could not give back this instance's claims; peers take them when the lease ends",
                metadata: ["error": "\(error)"])
        }
    }

    /// Each live instance takes an equal share of a target's limits,
    /// rounded up (at least one request in flight each).
    public func share(concurrency: Int, ratePerSecond: Double?) -> (concurrency: Int, ratePerSecond: Double?) {
        let n = liveInstances.load(ordering: .relaxed)
        guard n > 1 else { return (concurrency, ratePerSecond) }
        return ((concurrency + n - 1) / n, ratePerSecond.map { $0 / Double(n) })
    }
}
