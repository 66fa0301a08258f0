import Foundation
import GRDB
import Testing

@testable import Delivery

/// What the dispatcher reads from the queue on its own (the depth gauges
/// every two seconds, the pending targets and the next retry time every
/// second) while its loop waits: each must be an index search, not a walk
/// of every row retention keeps or of a whole backlog.
@Suite struct QueueDepthPlanTests {
    @Test func depthSearchesTheStatusIndexInsteadOfScanningTheTable() async throws {
        let (store, dir) = try makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        for sql in [SQLiteDeliveryStore.pendingCountSQL, SQLiteDeliveryStore.deadCountSQL] {
            let plan = try await store.pool.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }
            }
            #expect(plan.count == 1, "\(sql): \(plan)")
            #expect(plan.allSatisfy { $0.hasPrefix("SEARCH") && $0.contains("status=?") }, "\(sql): \(plan)")
        }
        // What `counts()` does, for contrast: every row.
        let counts = try await store.pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT status, COUNT(*) AS n FROM delivery GROUP BY status")
                .map { $0["detail"] as String }
        }
        #expect(counts.contains { $0.hasPrefix("SCAN") }, "\(counts)")
    }

    /// The next retry time: a step into the pending-by-time index, not a
    /// walk of every pending row (what SQLite chose on its own).
    @Test func nextDueSearchesThePendingByTimeIndex() async throws {
        let (store, dir) = try makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let plan = try await store.pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + SQLiteDeliveryStore.nextDueSQL, arguments: [0]).map {
                $0["detail"] as String
            }
        }
        #expect(plan == ["SEARCH delivery USING INDEX delivery_pending_by_time (next_attempt_at>?)"], "\(plan)")
        var batch = StoreBatch()
        batch.inserts = (0..<3).map { Delivery(request("d\($0)", call: "c\($0)"), now: 1000) }
        try await store.commit(batch)
        var retry = StoreBatch()
        retry.outcomes = [
            .init(
                id: "d1", status: .pending, attempts: 1, nextAttemptAt: 5000, lastStatus: 503, lastError: nil,
                finishedAt: nil, attempt: nil)
        ]
        try await store.commit(retry)
        #expect(try await store.nextDue(after: 1000) == 5000)
        #expect(try await store.nextDue(after: 5000) == nil)
    }

    @Test func pendingTargetsStepsThroughThePendingIndexOncePerTarget() async throws {
        let (store, dir) = try makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let plan = try await store.pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + SQLiteDeliveryStore.pendingTargetsSQL).map {
                $0["detail"] as String
            }
        }
        #expect(!plan.contains { $0.hasPrefix("SCAN delivery") }, "\(plan)")
        #expect(plan.contains { $0.contains("USING INDEX delivery_pending_by_target (target>?)") }, "\(plan)")

        #expect(try await store.pendingTargets().isEmpty)
        var batch = StoreBatch()
        batch.inserts = ["slack", "crm", "crm", "ticket", "", "zz"].enumerated().map { i, target in
            Delivery(request("d\(i)", target: target, call: "c\(i)"), now: 1000)
        }
        try await store.commit(batch)
        var done = StoreBatch()
        done.outcomes = [
            .init(
                id: "d3", status: .delivered, attempts: 1, nextAttemptAt: 0, lastStatus: 204, lastError: nil, finishedAt: 1,
                attempt: nil)
        ]
        try await store.commit(done)
        #expect(try await store.pendingTargets() == ["", "crm", "slack", "zz"], "in order; the delivered one's target gone")
    }
}
