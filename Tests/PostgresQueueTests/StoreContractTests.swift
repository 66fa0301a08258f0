import Calls
import Delivery
import Foundation
import RuleEngine
import Testing

/// The queue's semantics, the same for every store: each test runs against
/// SQLite and against a throw-away PostgreSQL.
@Suite struct StoreContractTests {
    @Test(arguments: StoreKind.allCases) func keepsRequestsIntactAndQueuesAnIdOnce(_ kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        var r = request("a")
        r.capture = ["ticket": "id"]
        r.lateBound = LateBoundRequest(
            url: LateBoundText([.literal("http://127.0.0.1:9/x/"), .variable(name: "ticket", escaping: .url)]),
            headerValues: [LateBoundText([.literal("application/json")]), LateBoundText([.literal("Bearer s")])],
            body: LateBoundText([.literal(#"{"t":""#), .variable(name: "ticket", escaping: .jsonString), .literal(#""}"#)]))
        let batch = inserts([r], now: 1000)
        #expect(try await store.commit(batch) == 0)
        let (d, attempts) = try #require(try await store.delivery(id: "a"))
        #expect(d.headers.map(\.name) == ["Content-Type", "Authorization"])
        #expect(d.headers.map(\.value) == ["application/json", "Bearer s"])
        #expect(d.body == Array("{}".utf8))
        #expect(d.capture == ["ticket": "id"])
        #expect(d.usesCallVars && d.lateBound == r.lateBound)
        #expect(d.status == .pending && attempts.isEmpty && d.createdAt == 1000 && d.seq != nil)
        // The same id again (a replayed event, a second instance): nothing new.
        var again = inserts([request("a"), request("b")])
        again.inserts[0].body = Array("other".utf8)
        #expect(try await store.commit(again) == 1)
        #expect(try await store.counts()[.pending] == 2)
        #expect(try await store.delivery(id: "a")?.0.body == Array("{}".utf8))
    }

    @Test(arguments: StoreKind.allCases) func onlyTheFirstPendingOfAnOrderKeyIsDue(_ kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        try await store.commit(
            inserts([
                request("a1", call: "A"), request("b1", call: "B"), request("a2", call: "A"), request("a3", call: "A"),
                request("x1", target: "slack", call: "A"),
            ]))
        #expect(try await store.due(target: "crm", now: 10, limit: 10, skipping: []).map(\.id) == ["a1", "b1"])
        #expect(try await store.due(target: "slack", now: 10, limit: 10, skipping: []).map(\.id) == ["x1"])
        let b1 = try #require(try await store.delivery(id: "b1")?.0.seq)
        #expect(try await store.due(target: "crm", now: 10, limit: 10, skipping: [b1]).map(\.id) == ["a1"])
        try await store.commit(outcome("a1", .pending, attempts: 1, next: 5000, code: 503))
        #expect(try await store.due(target: "crm", now: 10, limit: 10, skipping: []).map(\.id) == ["b1"])
        #expect(try await store.nextDue(after: 10) == 5000)
        #expect(try await store.due(target: "crm", now: 5000, limit: 10, skipping: []).map(\.id) == ["a1", "b1"])
        try await store.commit(
            outcome("a1", .dead, attempts: 2, next: 5000, code: 410, error: "HTTP 410", finished: 6000, response: [1, 2]))
        #expect(try await store.due(target: "crm", now: 6000, limit: 10, skipping: []).map(\.id) == ["b1", "a2"])
        let (d, attempts) = try #require(try await store.delivery(id: "a1"))
        #expect(d.status == .dead && d.lastError == "HTTP 410" && d.lastStatus == 410 && d.finishedAt == 6000)
        #expect(attempts.map(\.status) == [503, 410])
        #expect(attempts.last?.response == [1, 2])
        #expect(Set(try await store.pendingTargets()) == ["crm", "slack"])
    }

    @Test(arguments: StoreKind.allCases) func depthCountsPendingAndDeadOnly(_ kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        #expect(try await store.depth() == (0, 0))
        try await store.commit(inserts((1...6).map { request("d\($0)", call: "c\($0)") }))
        try await store.commit(outcome("d1", .delivered, attempts: 1, code: 204, finished: 100))
        try await store.commit(outcome("d2", .delivered, attempts: 1, code: 204, finished: 100))
        try await store.commit(outcome("d3", .dead, attempts: 1, code: 410, finished: 100))
        try await store.commit(outcome("d4", .pending, attempts: 1, next: 500, code: 503))
        let depth = try await store.depth()
        #expect(depth == (3, 1), "d4 (a retry), d5 and d6 pending; d3 dead; the delivered two not counted")
        let counts = try await store.counts()
        #expect(counts[.pending] == depth.pending && counts[.dead] == depth.dead && counts[.delivered] == 2)
    }

    @Test(arguments: StoreKind.allCases) func aRetryInBetweenWinsOverALateOutcome(_ kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        try await store.commit(inserts([request("d")]))
        try await store.commit(outcome("d", .pending, attempts: 1, next: 100, code: 503))
        try await store.commit(outcome("d", .pending, attempts: 2, next: 200, code: 503))
        #expect(try await store.retry(ids: ["d"], now: 300) == 1)
        // The daemon's outcome of attempt 3, read before the retry: ignored.
        try await store.commit(outcome("d", .dead, attempts: 3, code: 500, finished: 400))
        let d = try #require(try await store.delivery(id: "d")).0
        #expect(d.status == .pending && d.attempts == 0 && d.nextAttemptAt == 300)
    }

    @Test(arguments: StoreKind.allCases) func retryPurgeAndPrune(_ kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        try await store.commit(inserts((1...4).map { request("d\($0)", call: "c\($0)") }))
        for i in 1...2 { try await store.commit(outcome("d\(i)", .dead, attempts: 1, code: 400, finished: Int64(i) * 1000)) }
        try await store.commit(outcome("d4", .delivered, attempts: 1, code: 200, finished: 500))
        #expect(try await store.list(status: .dead, limit: 10).map(\.id) == ["d2", "d1"])
        #expect(try await store.list(status: nil, limit: 2).map(\.id) == ["d4", "d3"])
        #expect(try await store.retry(ids: ["d1", "nope"], now: 50) == 1)
        let d1 = try #require(try await store.delivery(id: "d1")).0
        #expect(d1.status == .pending && d1.attempts == 0 && d1.nextAttemptAt == 50)
        #expect(try await store.purgeDead(before: 1000) == 0)
        #expect(try await store.purgeDead(before: 3000) == 1)
        #expect(try await store.retryDead(now: 60) == 0)
        #expect(try await store.counts() == [.pending: 2, .delivered: 1, .dead: 0])
        // Retention: finished before the cut-off goes, attempts with it.
        #expect(try await store.prune(before: 501) == 1)
        #expect(try await store.delivery(id: "d4") == nil)
        #expect(await store.isWritable())
    }

    @Test(arguments: StoreKind.allCases) func retentionGoesInChunks(_ kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        try await store.commit(inserts((1...6).map { request("d\($0)", call: "c\($0)") }))
        for i in 1...5 { try await store.commit(outcome("d\(i)", .delivered, attempts: 1, code: 204, finished: 100)) }
        var vars = StoreBatch()
        vars.callVars = (1...3).map { ("c\($0)", "ticket", "T-\($0)") }
        try await store.commit(vars)
        let first = try await store.prune(before: Int64.max, limit: 2)
        #expect(first.deliveries == 2 && first.more)
        #expect(try await store.counts()[.delivered] == 3)
        let second = try await store.prune(before: Int64.max, limit: 2)
        #expect(second.deliveries == 2 && second.more)
        // One delivery left, and one captured value: fewer than the limit.
        let third = try await store.prune(before: Int64.max, limit: 2)
        #expect(third.deliveries == 1 && !third.more)
        #expect(try await store.counts() == [.pending: 1, .delivered: 0, .dead: 0], "the pending one stays")
        #expect(try await store.callVars(callID: "c1").isEmpty)
        #expect(try await store.callVars(callID: "c3").isEmpty)
        let none = try await store.prune(before: Int64.max, limit: 2)
        #expect(none.deliveries == 0 && !none.more)
    }

    @Test(arguments: StoreKind.allCases) func capturedValuesAreKeptPerCall(_ kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        var b = StoreBatch()
        b.callVars = [("c1", "ticket", "T-1"), ("c1", "ticket", "T-2"), ("c1", "owner", "ann"), ("c2", "ticket", "X")]
        try await store.commit(b)
        #expect(try await store.callVars(callID: "c1") == ["ticket": "T-2", "owner": "ann"])
        #expect(try await store.callVars(callID: "c2") == ["ticket": "X"])
        var later = StoreBatch()
        later.callVars = [("c1", "ticket", "T-3")]
        try await store.commit(later)
        #expect(try await store.callVars(callID: "c1")["ticket"] == "T-3")
        // Captured values older than retention go with prune.
        _ = try await store.prune(before: Int64.max)
        #expect(try await store.callVars(callID: "c1").isEmpty)
    }

    @Test(arguments: StoreKind.allCases) func adminPagesRetargetAndOrphans(_ kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        try await store.commit(
            inserts([
                request("a", call: "A"), request("b", target: "old", call: "B"), request("c", call: "C"),
                request("d", target: "old", call: "D"),
            ]))
        try await store.commit(outcome("c", .dead, attempts: 1, code: 400, finished: 10))
        #expect(try await store.pendingCountsByTarget() == ["crm": 1, "old": 2])
        let all = try await store.page(DeliveryFilter(), beforeSeq: nil, limit: 2)
        #expect(all.map(\.id) == ["d", "c"])
        let next = try await store.page(DeliveryFilter(), beforeSeq: all.last?.seq, limit: 10)
        #expect(next.map(\.id) == ["b", "a"])
        #expect(try await store.page(DeliveryFilter(status: .dead), beforeSeq: nil, limit: 10).map(\.id) == ["c"])
        #expect(try await store.page(DeliveryFilter(target: "old"), beforeSeq: nil, limit: 10).map(\.id) == ["d", "b"])
        #expect(try await store.page(DeliveryFilter(callID: "A"), beforeSeq: nil, limit: 10).map(\.id) == ["a"])
        #expect(try await store.retryDead(target: "other", now: 5) == 0)
        #expect(try await store.retryDead(target: "crm", now: 5) == 1)
        #expect(try await store.retarget(ids: ["b"], to: "crm", now: 7) == 1)
        #expect(try await store.pendingCountsByTarget() == ["crm": 3, "old": 1])
        #expect(try await store.purgeOrphaned(known: ["crm"]) == 1)
        #expect(try await store.counts() == [.pending: 3, .delivered: 0, .dead: 0])
    }
}
