import Foundation
import Testing

@testable import Delivery

/// The SQLite queue's commit with the refill read in the same transaction
/// answers what a commit and then `due` would.
@Suite struct CommitThenDueTests {
    @Test func theReadSeesTheBatchItCommitsAndSkipsWhatTheCallerHolds() async throws {
        let (store, dir) = try makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        var first = StoreBatch()
        first.inserts = [Delivery(request("a1", call: "a"), now: 1000)]
        let held = try await store.commit(first, thenDue: [("crm", 10)], now: 1000, skipping: []).due
        let a1 = try #require(held["crm"]?.first)
        #expect(held["crm"]?.map(\.id) == ["a1"])

        var second = StoreBatch()
        second.inserts = [
            Delivery(request("a2", call: "a"), now: 1000), Delivery(request("b1", call: "b"), now: 1000),
            Delivery(request("o1", target: "other", call: "c"), now: 1000),
        ]
        let due = try await store.commit(
            second, thenDue: [("crm", 10), ("other", 10)], now: 1000, skipping: [try #require(a1.seq)]
        ).due
        #expect(due["crm"]?.map(\.id) == ["b1"], "a2 waits behind a1 (same call); a1 is held by the caller")
        #expect(due["other"]?.map(\.id) == ["o1"])
        #expect(try await store.due(target: "crm", now: 1000, limit: 10, skipping: [a1.seq!]).map(\.id) == ["b1"])
    }
}
