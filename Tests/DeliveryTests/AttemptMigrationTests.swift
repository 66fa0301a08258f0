import Foundation
import GRDB
import Testing

@testable import Delivery

/// Schema v3 keys attempt rows by the delivery's position instead of its
/// id: a queue written by the previous version keeps every attempt, in
/// order, and new attempts, `queue show` and retention work on it as on a
/// new queue.
@Suite struct AttemptMigrationTests {
    @Test func aV2QueueKeepsItsAttemptsAndGoesOnFromThere() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callhook-v3-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("queue.sqlite").path

        // The queue as the previous version left it: two deliveries, three
        // attempts (two of them for "b"), written with the v2 statements.
        let old = try DatabaseQueue(path: path)
        try SQLiteDeliveryStore.migrator.migrate(old, upTo: "v2: call.vars slots stored as data")
        try await old.write { db in
            for (id, status) in [("a", "delivered"), ("b", "pending")] {
                try db.execute(
                    sql: """
                        INSERT INTO delivery (id, rule, target, phase, call_id, order_key, method, url, headers, body,
                            body_escaping, uses_call_vars, capture, event_time, created_at, status, attempts,
                            next_attempt_at, finished_at)
                        VALUES (?, 'r', 'crm', 'incoming', 'c', ?, 'POST', 'http://127.0.0.1:9/x', x'', NULL, 'none', 0,
                            x'', 1, 1000, ?, 1, 1000, ?)
                        """, arguments: [id, "call|\(id)|crm", status, status == "delivered" ? 1500 : nil])
            }
            for (id, n, status) in [("b", 1, 503), ("a", 1, 204), ("b", 2, 502)] {
                try db.execute(
                    sql: """
                        INSERT INTO attempt (delivery_id, n, started_at, duration, status, error, response)
                        VALUES (?, ?, ?, 0.25, ?, NULL, ?)
                        """, arguments: [id, n, 1000 + n, status, Data("r\(n)".utf8)])
            }
        }
        try old.close()

        let store = try SQLiteDeliveryStore(path: path)
        let (b, attemptsOfB) = try #require(try await store.delivery(id: "b"))
        #expect(attemptsOfB.map(\.number) == [1, 2])
        #expect(attemptsOfB.map(\.status) == [503, 502])
        #expect(attemptsOfB.map(\.response) == [Array("r1".utf8), Array("r2".utf8)])
        #expect(try await store.delivery(id: "a")?.1.map(\.status) == [204])

        // A third attempt for b, by position and by id: after the others.
        var batch = StoreBatch()
        for (seq, n) in [(b.seq, 3), (nil, 4)] {
            batch.outcomes.append(
                StoreBatch.Outcome(
                    id: "b", seq: seq, status: .pending, attempts: n, nextAttemptAt: 2000, lastStatus: 503,
                    lastError: nil, finishedAt: nil,
                    attempt: Attempt(
                        number: n, startedAt: 1900, durationSeconds: 0.1, status: 503, error: nil, response: [])))
        }
        try await store.commit(batch)
        #expect(try await store.delivery(id: "b")?.1.map(\.number) == [1, 2, 3, 4])

        // Retention removes a's attempt with it.
        #expect(try await store.prune(before: 2000) == 1)
        let left = try await store.pool.read { db in try Int.fetchAll(db, sql: "SELECT n FROM attempt ORDER BY id") }
        #expect(left == [1, 2, 3, 4], "only b's attempts are left")
    }
}
