import Foundation
import GRDB
import Synchronization
import TestSupport
import Testing

@testable import Delivery

/// The queue shared between the daemon and `callhook queue`: files private
/// from the first byte, read-only commands that never migrate, a newer
/// schema refused, outcomes that never overwrite an operator's retry, and a
/// readiness check that never waits for another process's lock.
@Suite struct QueueSafetyTests {
    private func tempDir() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("callhook-safety-\(UUID().uuidString)")
    }

    private func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test func queueFilesAreNotWorldReadableWhileTheDaemonWrites() async throws {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("queue.sqlite").path
        let store = try SQLiteDeliveryStore(path: path)
        var batch = StoreBatch()
        batch.inserts = [Delivery(request("secret-1"), now: 1000)]
        try await store.commit(batch)
        for file in [path, path + "-wal", path + "-shm"] {
            #expect(FileManager.default.fileExists(atPath: file), "\(file) missing")
            let m = try mode(file)
            #expect(m == 0o600, "\(file) is \(String(m, radix: 8))")
        }
        #expect(try mode(dir.path) == 0o700)
    }

    @Test func readOnlyCommandsNeverMigrateAnOldQueue() throws {
        let dir = tempDir()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("queue.sqlite").path
        // A queue file no migration has touched yet (an older schema).
        try DatabaseQueue(path: path).write { db in try db.execute(sql: "CREATE TABLE other (x)") }
        #expect(throws: SQLiteDeliveryStore.OpenError.self) { try SQLiteDeliveryStore(path: path, readOnly: true) }
        let tables = try DatabaseQueue(path: path).read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        }
        #expect(tables == ["other"])
    }

    @Test func aQueueFromANewerVersionIsRefusedNotDamaged() throws {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("queue.sqlite").path
        _ = try SQLiteDeliveryStore(path: path)
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99: from the future')")
        }
        for readOnly in [true, false] {
            do {
                _ = try SQLiteDeliveryStore(path: path, readOnly: readOnly)
                Issue.record("a newer schema was opened (readOnly: \(readOnly))")
            } catch let e as SQLiteDeliveryStore.OpenError {
                #expect(e.reason.contains("newer"))
            }
        }
    }

    @Test func readOnlyOpenReadsWhatTheDaemonWrote() async throws {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("queue.sqlite").path
        let daemon = try SQLiteDeliveryStore(path: path)
        var batch = StoreBatch()
        batch.inserts = [Delivery(request("r1"), now: 1000)]
        try await daemon.commit(batch)
        let reader = try SQLiteDeliveryStore(path: path, readOnly: true)
        #expect(try await reader.list(status: nil, limit: 10).map(\.id) == ["r1"])
        #expect(try await reader.counts()[.pending] == 1)
        await #expect(throws: (any Error).self) { try await reader.retry(ids: ["r1"], now: 5) }
    }

    @Test func aLateOutcomeDoesNotOverwriteAConcurrentRetry() async throws {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteDeliveryStore(path: dir.appendingPathComponent("queue.sqlite").path)
        var batch = StoreBatch()
        batch.inserts = [Delivery(request("x"), now: 0)]
        try await store.commit(batch)
        func outcome(_ status: DeliveryStatus, attempts: Int) -> StoreBatch {
            var b = StoreBatch()
            b.outcomes = [
                .init(
                    id: "x", status: status, attempts: attempts, nextAttemptAt: 0, lastStatus: 503, lastError: nil,
                    finishedAt: status == .pending ? nil : 10,
                    attempt: Attempt(number: attempts, startedAt: 0, durationSeconds: 0, status: 503, error: nil, response: []))
            ]
            return b
        }
        try await store.commit(outcome(.pending, attempts: 1))
        try await store.commit(outcome(.pending, attempts: 2))
        // Attempt 3 is in flight when the operator runs `queue retry x`.
        #expect(try await store.retry(ids: ["x"], now: 50) == 1)
        try await store.commit(outcome(.dead, attempts: 3))
        let d = try #require(try await store.delivery(id: "x")).0
        #expect(d.status == .pending && d.attempts == 0 && d.nextAttemptAt == 50)
    }

    @Test func readinessDoesNotWaitForAnotherProcesssWriteLock() async throws {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("queue.sqlite").path
        let store = try SQLiteDeliveryStore(path: path)
        let other = try DatabaseQueue(path: path)
        let locked = Flag()
        let release = DispatchSemaphore(value: 0)
        // The other process's transaction runs on a thread of its own, not on
        // one of the cooperative pool's (two on this machine).
        let finished = Flag()
        Thread.detachNewThread {
            try? other.inDatabase { db in
                try db.execute(sql: "BEGIN IMMEDIATE")
                locked.value.store(true, ordering: .relaxed)
                release.wait()
                try db.execute(sql: "COMMIT")
            }
            finished.value.store(true, ordering: .relaxed)
        }
        let deadline = ContinuousClock.now + .seconds(120)
        while !locked.value.load(ordering: .relaxed) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        let wasLocked = locked.value.load(ordering: .relaxed)
        #expect(wasLocked)
        let start = ContinuousClock.now
        let writable = await store.isWritable()
        let took = ContinuousClock.now - start
        release.signal()
        while !finished.value.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(5)) }
        #expect(writable)
        #expect(took < .milliseconds(500), "readiness waited \(took) for another process's lock")
    }
}

private final class Flag: Sendable {
    let value = Atomic<Bool>(false)
}
