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
        let failing = FailingPrune()
        let store = ForwardingStore(
            base: MemoryDeliveryStore(clock: time.clock), prune: { _, limit in try failing.prune(limit: limit) })
        let fake = FakeSender()
        let dispatcher = Dispatcher(
            store: store, sender: fake.sender, targets: set.targets, version: "test", logger: Logger(label: "test"),
            clock: time.clock)
        var s = DispatchState()
        func round() async {
            await withDiscardingTaskGroup { group in await dispatcher.round(&s, group: &group) }
        }
        await round()
        #expect(failing.attempts == 2, "a chunk, then the failure")
        #expect(s.pruned == nil, "the pass ended with the failure")
        for _ in 0..<5 {
            time.advance(by: .seconds(1))
            await round()
        }
        #expect(failing.attempts == 2, "not again every second")
        try await dispatcher.enqueue([request("x1", call: "x")])
        var sent: [String] = []
        for _ in 0..<4 where sent.isEmpty {
            await round()
            sent = fake.take().map(\.id)
        }
        #expect(sent == ["x1"], "sending goes on")
        time.advance(by: .seconds(3600))
        await round()
        #expect(failing.attempts == 3, "again an hour later")
    }
}

/// Counts prune calls: the first removes one full chunk, the rest fail.
private final class FailingPrune: @unchecked Sendable {
    // Safe: the dispatcher's loop is the only caller, one round at a time.
    var attempts = 0
    struct PruneFailed: Error {}

    func prune(limit: Int) throws -> (deliveries: Int, more: Bool) {
        attempts += 1
        if attempts == 1 { return (limit, true) }
        throw PruneFailed()
    }
}
