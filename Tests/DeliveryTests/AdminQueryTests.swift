import Calls
import Delivery
import Foundation
import Testing

/// The admin API's queries, the same on both stores.
@Suite struct AdminQueryTests {
    /// Six deliveries: a…f, targets alternating crm/slack, calls c1/c2; b and
    /// e are dead.
    func fill(_ store: any DeliveryStore) async throws {
        var batch = StoreBatch()
        for (i, id) in ["a", "b", "c", "d", "e", "f"].enumerated() {
            batch.inserts.append(
                Delivery(request(id, target: i % 2 == 0 ? "crm" : "slack", call: i < 3 ? "c1" : "c2"), now: 1000))
        }
        try await store.commit(batch)
        var dead = StoreBatch()
        for id in ["b", "e"] {
            dead.outcomes.append(
                .init(
                    id: id, status: .dead, attempts: 1, nextAttemptAt: 1000, lastStatus: 410, lastError: "gone", finishedAt: 2000,
                    attempt: nil))
        }
        try await store.commit(dead)
    }

    func check(_ store: any DeliveryStore) async throws {
        try await fill(store)
        let all = try await store.page(DeliveryFilter(), beforeSeq: nil, limit: 4)
        #expect(all.map(\.id) == ["f", "e", "d", "c"])
        let rest = try await store.page(DeliveryFilter(), beforeSeq: all.last?.seq, limit: 4)
        #expect(rest.map(\.id) == ["b", "a"])
        #expect(try await store.page(DeliveryFilter(status: .dead), beforeSeq: nil, limit: 10).map(\.id) == ["e", "b"])
        #expect(try await store.page(DeliveryFilter(target: "crm"), beforeSeq: nil, limit: 10).map(\.id) == ["e", "c", "a"])
        #expect(
            try await store.page(DeliveryFilter(status: .pending, callID: "c2"), beforeSeq: nil, limit: 10).map(\.id) == [
                "f", "d",
            ])
        #expect(try await store.retryDead(target: "slack", now: 3000) == 1)
        #expect(try await store.page(DeliveryFilter(status: .dead), beforeSeq: nil, limit: 10).map(\.id) == ["e"])
        #expect(try await store.retryDead(target: nil, now: 3000) == 1)
        #expect(try await store.page(DeliveryFilter(status: .dead), beforeSeq: nil, limit: 10).isEmpty)
    }

    @Test func sqlite() async throws {
        let (store, dir) = try makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        try await check(store)
    }

    @Test func memory() async throws {
        try await check(MemoryDeliveryStore())
    }
}
