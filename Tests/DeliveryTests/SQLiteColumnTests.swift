import CSQLite
import Calls
import Foundation
import GRDB
import RuleEngine
import Testing

@testable import Delivery

/// Every column the queue writes and reads through SQLite's C API
/// (`RawStatement`) comes back as it was written: text beyond ASCII, an
/// empty body apart from no body, optional numbers and texts, and the
/// attempt history with its duration and response bytes.
@Suite struct SQLiteColumnTests {
    @Test func everyColumnComesBackAsWritten() async throws {
        let (store, dir) = try makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        var full = request("full", call: "Anruf-☎-ü")
        full.rule = "Rückruf ☎ \u{1F4DE}"
        full.url = "http://127.0.0.1:9/x?q=a%20b&ü=1"
        full.headers = [("X-Name", "Jürgen \"J\" Müller"), ("X-Empty", "")]
        full.body = [0, 1, 2, 0xFF, 0x7B]
        full.capture = ["b": "2", "a": "1"]
        var empty = request("empty")
        empty.body = []
        var none = request("none")
        none.body = nil
        none.method = "GET"
        var batch = StoreBatch()
        batch.inserts = [Delivery(full, now: 1_234_567_890_123), Delivery(empty, now: 1), Delivery(none, now: 2)]
        #expect(try await store.commit(batch) == 0)

        let d = try #require(try await store.delivery(id: "full")?.0)
        #expect(d.rule == full.rule && d.callID == "Anruf-☎-ü" && d.url == full.url)
        #expect(d.headers.map(\.name) == ["X-Name", "X-Empty"] && d.headers.map(\.value) == ["Jürgen \"J\" Müller", ""])
        #expect(d.body == [0, 1, 2, 0xFF, 0x7B])
        #expect(d.capture == ["a": "1", "b": "2"])
        #expect(d.createdAt == 1_234_567_890_123 && d.attempts == 0 && d.status == .pending)
        #expect(d.lastStatus == nil && d.lastError == nil && d.finishedAt == nil && d.lateBound == nil && !d.usesCallVars)
        #expect(try await store.delivery(id: "empty")?.0.body == [])
        let n = try #require(try await store.delivery(id: "none")?.0)
        #expect(n.body == nil && n.method == "GET")

        // The due rows are read the same way, in queue order ("none" waits
        // behind "empty": the same call and target).
        let due = try await store.due(target: "crm", now: Int64.max, limit: 10, skipping: [])
        #expect(due.map(\.id) == ["full", "empty"])
        #expect(due.first?.body == [0, 1, 2, 0xFF, 0x7B] && due.first?.rule == full.rule)

        // An outcome with every optional set, and one with none.
        var outcomes = StoreBatch()
        outcomes.outcomes = [
            .init(
                id: "full", status: .pending, attempts: 1, nextAttemptAt: 99, lastStatus: 503, lastError: "Zeitüberschreitung",
                finishedAt: nil,
                attempt: Attempt(
                    number: 1, startedAt: 42, durationSeconds: 0.125, status: 503, error: "Zeitüberschreitung",
                    response: [0, 0xC3, 0xBC])),
            .init(
                id: "empty", status: .delivered, attempts: 1, nextAttemptAt: 0, lastStatus: nil, lastError: nil,
                finishedAt: 7,
                attempt: Attempt(number: 1, startedAt: 5, durationSeconds: 0, status: nil, error: nil, response: [])),
        ]
        try await store.commit(outcomes)
        let (f, attempts) = try #require(try await store.delivery(id: "full"))
        #expect(f.attempts == 1 && f.nextAttemptAt == 99 && f.lastStatus == 503 && f.lastError == "Zeitüberschreitung")
        #expect(f.finishedAt == nil && f.status == .pending)
        let a = try #require(attempts.first)
        #expect(a.number == 1 && a.startedAt == 42 && a.durationSeconds == 0.125 && a.status == 503)
        #expect(a.error == "Zeitüberschreitung" && a.response == [0, 0xC3, 0xBC])
        let (e, emptyAttempts) = try #require(try await store.delivery(id: "empty"))
        #expect(e.status == .delivered && e.finishedAt == 7 && e.lastStatus == nil && e.lastError == nil)
        #expect(emptyAttempts.first?.status == nil && emptyAttempts.first?.response == [])
        #expect(try await store.list(status: .delivered, limit: 10).map(\.id) == ["empty"])
    }
}

/// A value SQLite refuses to bind fails the commit; it is never stored as
/// NULL in its place.
@Suite struct SQLiteBindFailureTests {
    @Test func aBodyOverSQLitesLengthLimitFailsTheCommit() async throws {
        let (store, dir) = try makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        // The limit lowered to 1,000 bytes on the store's own connection
        // (the default is 1 GB), so that the test need not allocate one.
        try await store.pool.write { db in _ = sqlite3_limit(db.sqliteConnection, SQLITE_LIMIT_LENGTH, 1000) }
        var big = request("big")
        big.body = Array(repeating: 0x41, count: 2000)
        var batch = StoreBatch()
        batch.inserts = [Delivery(big, now: 1)]
        await #expect(throws: DatabaseError.self) { try await store.commit(batch) }
        #expect(try await store.delivery(id: "big") == nil)
        // A body within the limit still goes in.
        var small = request("small")
        small.body = Array(repeating: 0x41, count: 10)
        batch.inserts = [Delivery(small, now: 1)]
        try await store.commit(batch)
        #expect(try await store.delivery(id: "small")?.0.body?.count == 10)
    }
}
