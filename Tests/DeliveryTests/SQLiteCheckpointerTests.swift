import Calls
import Delivery
import Foundation
import Logging
import ServiceLifecycle
import Testing

/// The queue's write-ahead log is copied into the database file by the
/// checkpointer beside the store, never by a commit.
@Suite struct SQLiteCheckpointerTests {
    static func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }

    @Test func commitsLeaveTheCopyingToTheCheckpointer() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callhook-ckpt-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("queue.sqlite").path
        let store = try SQLiteDeliveryStore(path: path, checkpointsApart: true)
        // About 8 MB of requests in 40 commits: far past the 1,000 pages
        // (4 MB) at which a commit would copy the log itself.
        let body = [UInt8](repeating: UInt8(ascii: "x"), count: 8_000)
        for batchIndex in 0..<40 {
            var batch = StoreBatch()
            batch.inserts = (0..<25).map { i in
                var r = request("d\(batchIndex)-\(i)", call: "c\(batchIndex)-\(i)")
                r.body = body
                return Delivery(r, now: 1000)
            }
            try await store.commit(batch)
        }
        let database = Self.size(path)
        #expect(Self.size(path + "-wal") > 6_000_000, "the log holds the writes")
        #expect(database < 1_000_000, "no commit copied the log: the database file is \(database) bytes")

        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let checkpointer = SQLiteCheckpointer(path: path, interval: .milliseconds(20), logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await checkpointer.run() }
            let deadline = ContinuousClock.now + .seconds(60)
            while Self.size(path) < 6_000_000 && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            group.cancelAll()
        }
        #expect(Self.size(path) > 6_000_000, "the checkpointer copied the log into the database file")
        #expect(try await store.counts()[.pending] == 1_000)
    }
}
