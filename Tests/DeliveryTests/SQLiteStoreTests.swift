import Calls
import Delivery
import Foundation
import RuleEngine
import Testing

/// A fresh queue in its own temporary directory.
func makeStore() throws -> (SQLiteDeliveryStore, URL) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callhook-store-\(UUID().uuidString)")
    return (try SQLiteDeliveryStore(path: dir.appendingPathComponent("queue.sqlite").path), dir)
}

func request(_ id: String, target: String = "crm", call: String = "c1", order: String? = nil) -> RenderedRequest {
    var r = RenderedRequest(
        deliveryID: id, rule: "r", target: target, phase: .incoming, callID: call, leg: nil, method: "POST",
        url: "http://127.0.0.1:9/x", headers: [("Content-Type", "application/json"), ("Authorization", "Bearer s")],
        body: Array("{}".utf8), eventTime: EventTime(nanoseconds: 1))
    r.orderKey = order ?? "call|\(call)|\(target)"
    return r
}

@Suite struct SQLiteStoreTests {
    @Test func keepsRequestsIntact() async throws {
        let (store, dir) = try makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        var r = request("a")
        r.capture = ["ticket": "id"]
        r.lateBound = LateBoundRequest(
            url: LateBoundText([.literal("http://127.0.0.1:9/x/"), .variable(name: "ticket", escaping: .url)]),
            headerValues: [LateBoundText([.literal("application/json")]), LateBoundText([.literal("Bearer s")])],
            body: LateBoundText([.literal(#"{"t":""#), .variable(name: "ticket", escaping: .jsonString), .literal(#""}"#)]))
        var batch = StoreBatch()
        batch.inserts = [Delivery(r, now: 1000)]
        try await store.commit(batch)
        let (d, attempts) = try #require(try await store.delivery(id: "a"))
        #expect(d.headers.map(\.name) == ["Content-Type", "Authorization"])
        #expect(d.headers.map(\.value) == ["application/json", "Bearer s"])
        #expect(d.body == Array("{}".utf8))
        #expect(d.capture == ["ticket": "id"])
        #expect(d.usesCallVars && d.lateBound == r.lateBound)
        #expect(d.status == .pending && attempts.isEmpty)
        // Writing the same delivery id again does not duplicate it.
        try await store.commit(batch)
        #expect(try await store.counts()[.pending] == 1)
    }

    @Test func onlyTheFirstPendingOfAnOrderKeyIsDue() async throws {
        let (store, dir) = try makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        var batch = StoreBatch()
        batch.inserts = [
            Delivery(request("a1", call: "A"), now: 0), Delivery(request("b1", call: "B"), now: 0),
            Delivery(request("a2", call: "A"), now: 0), Delivery(request("a3", call: "A"), now: 0),
            Delivery(request("x1", target: "slack", call: "A"), now: 0),
        ]
        try await store.commit(batch)
        #expect(try await store.due(target: "crm", now: 10, limit: 10, skipping: []).map(\.id) == ["a1", "b1"])
        #expect(try await store.due(target: "slack", now: 10, limit: 10, skipping: []).map(\.id) == ["x1"])
        // What the caller already holds is left out.
        let b1 = try #require(try await store.delivery(id: "b1")?.0.seq)
        #expect(try await store.due(target: "crm", now: 10, limit: 10, skipping: [b1]).map(\.id) == ["a1"])
        // a1 waits for a retry: a2 still waits behind it.
        var retry = StoreBatch()
        retry.outcomes = [
            .init(
                id: "a1", status: .pending, attempts: 1, nextAttemptAt: 5000, lastStatus: 503, lastError: nil, finishedAt: nil,
                attempt: Attempt(number: 1, startedAt: 1, durationSeconds: 0.01, status: 503, error: nil, response: []))
        ]
        try await store.commit(retry)
        #expect(try await store.due(target: "crm", now: 10, limit: 10, skipping: []).map(\.id) == ["b1"])
        #expect(try await store.nextDue(after: 10) == 5000)
        #expect(try await store.due(target: "crm", now: 5000, limit: 10, skipping: []).map(\.id) == ["a1", "b1"])
        // a1 dead: a2 is next.
        var dead = StoreBatch()
        dead.outcomes = [
            .init(
                id: "a1", status: .dead, attempts: 2, nextAttemptAt: 5000, lastStatus: 410, lastError: "HTTP 410",
                finishedAt: 6000,
                attempt: Attempt(number: 2, startedAt: 5000, durationSeconds: 0.01, status: 410, error: nil, response: [1, 2]))
        ]
        try await store.commit(dead)
        #expect(try await store.due(target: "crm", now: 6000, limit: 10, skipping: []).map(\.id) == ["b1", "a2"])
        let (d, attempts) = try #require(try await store.delivery(id: "a1"))
        #expect(d.status == .dead && d.lastError == "HTTP 410")
        #expect(attempts.map(\.status) == [503, 410])
        #expect(Set(try await store.pendingTargets()) == ["crm", "slack"])
    }

    @Test func retryPurgeAndPrune() async throws {
        let (store, dir) = try makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        var batch = StoreBatch()
        batch.inserts = (1...3).map { Delivery(request("d\($0)", call: "c\($0)"), now: 0) }
        try await store.commit(batch)
        var out = StoreBatch()
        out.outcomes = (1...2).map {
            .init(
                id: "d\($0)", status: .dead, attempts: 1, nextAttemptAt: 0, lastStatus: 400, lastError: nil,
                finishedAt: Int64($0) * 1000, attempt: nil)
        }
        try await store.commit(out)
        #expect(try await store.list(status: .dead, limit: 10).map(\.id) == ["d2", "d1"])
        #expect(try await store.retry(ids: ["d1", "nope"], now: 50) == 1)
        let d1 = try #require(try await store.delivery(id: "d1")).0
        #expect(d1.status == .pending && d1.attempts == 0 && d1.nextAttemptAt == 50)
        #expect(try await store.purgeDead(before: 1000) == 0)
        #expect(try await store.purgeDead(before: 3000) == 1)
        #expect(try await store.retryDead(now: 60) == 0)
        #expect(try await store.counts() == [.pending: 2, .delivered: 0, .dead: 0])
        #expect(await store.isWritable())
    }
}
