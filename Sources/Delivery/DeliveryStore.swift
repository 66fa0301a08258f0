/// Where the queue lives: SQLite (one instance) or PostgreSQL (several
/// instances sharing it); both implement the same operations.
///
/// Times are milliseconds since the epoch.
public protocol DeliveryStore: Sendable {
    /// Whether a write transaction can be opened (for `/readyz`).
    func isWritable() async -> Bool

    /// Writes one batch in one transaction. An insert whose delivery id is
    /// already queued changes nothing (the same request rendered again);
    /// returns how many inserts were skipped so.
    @discardableResult func commit(_ batch: StoreBatch) async throws -> Int

    /// Deliveries of `target` that may be sent at `now`: pending, due, and
    /// first among the pending ones of their order key; in queue order.
    /// Looks at the first `limit` such deliveries and returns those whose
    /// `seq` is not in `skipping` (already loaded by the caller). A store
    /// that several instances share claims what it returns (a lease), so
    /// that no other instance sends it meanwhile.
    func due(target: String, now: Int64, limit: Int, skipping: Set<Int64>) async throws -> [Delivery]

    /// Targets that have pending deliveries.
    func pendingTargets() async throws -> [String]

    /// Pending deliveries per target (orphaned ones are those whose target
    /// the rules do not define).
    func pendingCountsByTarget() async throws -> [String: Int]

    /// Points pending or dead deliveries at another target, pending again
    /// with a fresh set of attempts; returns how many changed.
    func retarget(ids: [String], to target: String, now: Int64) async throws -> Int

    /// Deletes pending deliveries whose target is not in `known`; returns
    /// how many.
    func purgeOrphaned(known: Set<String>) async throws -> Int

    /// The earliest `next_attempt_at` after `now` among pending deliveries.
    func nextDue(after now: Int64) async throws -> Int64?

    /// Number of deliveries by status.
    func counts() async throws -> [DeliveryStatus: Int]

    /// Pending and dead deliveries: the queue-depth gauges, read every two
    /// seconds by the dispatcher's loop. Never counts the delivered rows
    /// that retention keeps (`counts()` reads them all).
    func depth() async throws -> (pending: Int, dead: Int)

    /// Values captured so far for one call.
    func callVars(callID: String) async throws -> [String: String]

    /// Deliveries, newest first, optionally of one status.
    func list(status: DeliveryStatus?, limit: Int) async throws -> [Delivery]

    /// Deliveries matching `filter`, newest first, starting below queue
    /// position `beforeSeq` (the admin API's pages).
    func page(_ filter: DeliveryFilter, beforeSeq: Int64?, limit: Int) async throws -> [Delivery]

    /// Makes every dead delivery (of `target`, when given) pending again;
    /// returns how many.
    func retryDead(target: String?, now: Int64) async throws -> Int

    /// One delivery with its attempts, oldest first.
    func delivery(id: String) async throws -> (Delivery, [Attempt])?

    /// Makes these deliveries pending again with a fresh set of attempts;
    /// returns how many changed. Delivered ones are sent again too.
    func retry(ids: [String], now: Int64) async throws -> Int

    /// Makes every dead delivery pending again; returns how many.
    func retryDead(now: Int64) async throws -> Int

    /// Deletes dead deliveries that died before `before` (all when nil).
    func purgeDead(before: Int64?) async throws -> Int

    /// Deletes at most `limit` delivered and dead deliveries that finished
    /// before `before`, and at most `limit` captured values not updated
    /// since; returns the deliveries deleted and whether more may be left
    /// (either reached `limit`). The dispatcher prunes in chunks, so
    /// retention never holds the queue for long. A store with no write
    /// lock to hold (in memory) may delete everything at once.
    func prune(before: Int64, limit: Int) async throws -> (deliveries: Int, more: Bool)

    /// This instance's part of a target's `concurrency` and `rate` when
    /// several instances share the queue (docs/delivery.md).
    func share(concurrency: Int, ratePerSecond: Double?) -> (concurrency: Int, ratePerSecond: Double?)
}

extension DeliveryStore {
    /// One instance: all of it.
    public func share(concurrency: Int, ratePerSecond: Double?) -> (concurrency: Int, ratePerSecond: Double?) {
        (concurrency, ratePerSecond)
    }

    /// Everything past retention at once (`prune(before:limit:)` until
    /// nothing is left); returns the deliveries deleted.
    @discardableResult
    public func prune(before: Int64) async throws -> Int {
        var total = 0
        while true {
            let chunk = try await prune(before: before, limit: 10_000)
            total += chunk.deliveries
            if !chunk.more { return total }
        }
    }

    /// From `counts()`, for a store where counting is cheap (in memory).
    public func depth() async throws -> (pending: Int, dead: Int) {
        let c = try await counts()
        return (c[.pending] ?? 0, c[.dead] ?? 0)
    }
}
