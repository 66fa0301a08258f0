import Calls
import Foundation
import Testing

@testable import Delivery

/// Retention removes what is past it a chunk a second (`pruneChunk`), not
/// in one delete that held the queue's write lock and the dispatcher's
/// loop for seconds after a long stop.
@Suite struct RetentionChunkTests {
    @Test func aLargeRetentionPassGoesAChunkASecond() async throws {
        let rig = try FreshRefillTests.Rig(FreshRefillTests.targets)
        let n = Dispatcher.pruneChunk * 2 + 500
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
        #expect(left == [n - Dispatcher.pruneChunk, n - 2 * Dispatcher.pruneChunk, 0, 0])
        #expect(rig.state.pruned == nil, "the pass is over")
    }
}
