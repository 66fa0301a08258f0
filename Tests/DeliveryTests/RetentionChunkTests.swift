import Calls
import Foundation
import Logging
import RuleEngine
import Testing

@testable import Delivery

/// Retention removes what is past it in chunks (`pruneChunk`, at most
/// `prunePerSecond` a second), not in one delete that held the queue's
/// write lock and the dispatcher's loop for seconds after a long stop.
@Suite struct RetentionChunkTests {
    @Test func aLargeRetentionPassGoesInChunksOverSeconds() async throws {
        let rig = try FreshRefillTests.Rig(FreshRefillTests.targets)
        let perSecond = Dispatcher.pruneChunk * Dispatcher.prunePerSecond
        let n = perSecond * 2 + 500
        var batch = StoreBatch()
        batch.inserts = (0..<n).map { Delivery(request("old\($0)", call: "c\($0)"), now: 1) }
        batch.outcomes = (0..<n).map {
            .init(
                id: "old\($0)", status: .delivered, attempts: 1, nextAttemptAt: 0, lastStatus: 204, lastError: nil,
                finishedAt: 1, attempt: nil)
        }
        try await rig.store.commit(batch)
        var left: [Int] = []
        for _ in 0..<4 {
            await rig.rounds(limit: 1)
            left.append(try await rig.store.counts()[.delivered] ?? -1)
            rig.time.advance(by: .seconds(1))
        }
        #expect(left == [n - perSecond, n - 2 * perSecond, 0, 0])
        #expect(rig.state.pruned == nil, "the pass is over")
    }

    /// A pass that fails halfway ends: it is logged once and tried again
    /// the next hour, not every second; sending goes on meanwhile.
    @Test func aFailedRetentionPassWaitsForTheNextHour() async throws {
        let time = ManualClock()
        let set = try RuleLoader.load(
            [RuleLoader.File(path: "t.toml", text: FreshRefillTests.targets)], environment: [:]
        ).get()
        let store = FailingPrune(base: MemoryDeliveryStore(clock: time.clock))
        let fake = FakeSender()
        let dispatcher = Dispatcher(
            store: store, sender: fake.sender, targets: set.targets, version: "test", logger: Logger(label: "test"),
            clock: time.clock)
        var s = DispatchState()
        func round() async {
            await withDiscardingTaskGroup { group in await dispatcher.round(&s, group: &group) }
        }
        await round()
        #expect(store.attempts.value == 2, "a chunk, then the failure")
        #expect(s.pruned == nil, "the pass ended with the failure")
        for _ in 0..<5 {
            time.advance(by: .seconds(1))
            await round()
        }
        #expect(store.attempts.value == 2, "not again every second")
        try await dispatcher.enqueue([request("x1", call: "x")])
        var sent: [String] = []
        for _ in 0..<4 where sent.isEmpty {
            await round()
            sent = fake.take().map(\.id)
        }
        #expect(sent == ["x1"], "sending goes on")
        time.advance(by: .seconds(3600))
        await round()
        #expect(store.attempts.value == 3, "again an hour later")
    }
}

/// The in-memory queue, with a prune that removes one full chunk and then
/// fails.
private struct FailingPrune: DeliveryStore {
    let base: MemoryDeliveryStore
    let attempts = Counter()
    struct PruneFailed: Error {}

    final class Counter: @unchecked Sendable {
        // Safe: the dispatcher's loop is the only caller, one round at a time.
        var value = 0
    }

    func isWritable() async -> Bool { await base.isWritable() }
    func commit(_ batch: StoreBatch) async throws -> Int { try await base.commit(batch) }
    func due(target: String, now: Int64, limit: Int, skipping: Set<Int64>) async throws -> [Delivery] {
        try await base.due(target: target, now: now, limit: limit, skipping: skipping)
    }
    func pendingTargets() async throws -> [String] { try await base.pendingTargets() }
    func pendingCountsByTarget() async throws -> [String: Int] { try await base.pendingCountsByTarget() }
    func nextDue(after now: Int64) async throws -> Int64? { try await base.nextDue(after: now) }
    func counts() async throws -> [DeliveryStatus: Int] { try await base.counts() }
    func callVars(callID: String) async throws -> [String: String] { try await base.callVars(callID: callID) }
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
        attempts.value += 1
        if attempts.value == 1 { return (limit, true) }
        throw PruneFailed()
    }
}
