@testable import Delivery

/// A queue that hands every operation to `base`, except those a test
/// replaces: a read of captured values that fails, a prune that fails.
struct ForwardingStore: DeliveryStore {
    let base: any DeliveryStore
    var callVars: (@Sendable (String) async throws -> [String: String])?
    var prune: (@Sendable (Int64, Int) async throws -> (deliveries: Int, more: Bool))?

    func isWritable() async -> Bool { await base.isWritable() }
    func commit(_ batch: StoreBatch) async throws -> Int { try await base.commit(batch) }
    func due(target: String, now: Int64, limit: Int, skipping: Set<Int64>) async throws -> [Delivery] {
        try await base.due(target: target, now: now, limit: limit, skipping: skipping)
    }
    func pendingTargets() async throws -> [String] { try await base.pendingTargets() }
    func pendingCountsByTarget() async throws -> [String: Int] { try await base.pendingCountsByTarget() }
    func nextDue(after now: Int64) async throws -> Int64? { try await base.nextDue(after: now) }
    func counts() async throws -> [DeliveryStatus: Int] { try await base.counts() }
    func depth() async throws -> (pending: Int, dead: Int) { try await base.depth() }
    func callVars(callID: String) async throws -> [String: String] {
        if let callVars { return try await callVars(callID) }
        return try await base.callVars(callID: callID)
    }
    func list(status: DeliveryStatus?, limit: Int) async throws -> [Delivery] {
        try await base.list(status: status, limit: limit)
    }
    func delivery(id: String) async throws -> (Delivery, [Attempt])? { try await base.delivery(id: id) }
    func retry(ids: [String], now: Int64) async throws -> Int { try await base.retry(ids: ids, now: now) }
    func retarget(ids: [String], to target: String, now: Int64) async throws -> Int {
        try await base.retarget(ids: ids, to: target, now: now)
    }
    func retryDead(now: Int64) async throws -> Int { try await base.retryDead(now: now) }
    func page(_ filter: DeliveryFilter, beforeSeq: Int64?, limit: Int) async throws -> [Delivery] {
        try await base.page(filter, beforeSeq: beforeSeq, limit: limit)
    }
    func retryDead(target: String?, now: Int64) async throws -> Int { try await base.retryDead(target: target, now: now) }
    func purgeDead(before: Int64?) async throws -> Int { try await base.purgeDead(before: before) }
    func purgeOrphaned(known: Set<String>) async throws -> Int { try await base.purgeOrphaned(known: known) }
    func prune(before: Int64, limit: Int) async throws -> (deliveries: Int, more: Bool) {
        if let prune { return try await prune(before, limit) }
        return try await base.prune(before: before, limit: limit)
    }
    func share(concurrency: Int, ratePerSecond: Double?) -> (concurrency: Int, ratePerSecond: Double?) {
        base.share(concurrency: concurrency, ratePerSecond: ratePerSecond)
    }
}
