import Foundation
import Testing

@testable import Delivery

/// A reload that removes or renames a target never destroys its queued work.
@Suite struct OrphanedDeliveryTests {
    private func store() throws -> (SQLiteDeliveryStore, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callhook-orphans-\(UUID().uuidString)")
        return (try SQLiteDeliveryStore(path: dir.appendingPathComponent("queue.sqlite").path), dir)
    }

    @Test func aRemovedTargetLeavesItsDeliveriesPendingNotDead() async throws {
        let (store, dir) = try store()
        defer { try? FileManager.default.removeItem(at: dir) }
        var batch = StoreBatch()
        batch.inserts = [
            Delivery(request("a1", target: "old", call: "c1"), now: 0),
            Delivery(request("a2", target: "old", call: "c2"), now: 0),
            Delivery(request("b1", target: "crm", call: "c3"), now: 0),
        ]
        try await store.commit(batch)
        // The dispatcher's view after a reload that dropped "old".
        var state = DispatchState()
        state.pendingTargets = Set(try await store.pendingTargets())
        let dispatcher = Dispatcher(
            store: store, client: .init(), targets: [:], version: "test", logger: .init(label: "test"))
        dispatcher.noteOrphans(&state, known: ["crm"])
        #expect(state.orphanedTargets == ["old"])
        #expect(try await store.counts() == [.pending: 3, .delivered: 0, .dead: 0])
        #expect(try await store.pendingCountsByTarget() == ["old": 2, "crm": 1])
    }

    @Test func orphanedDeliveriesCanBePointedAtANewTargetOrPurged() async throws {
        let (store, dir) = try store()
        defer { try? FileManager.default.removeItem(at: dir) }
        var batch = StoreBatch()
        batch.inserts = [
            Delivery(request("a1", target: "old", call: "c1"), now: 0),
            Delivery(request("a2", target: "old", call: "c2"), now: 0),
            Delivery(request("b1", target: "crm", call: "c3"), now: 0),
        ]
        try await store.commit(batch)
        #expect(try await store.retarget(ids: ["a1"], to: "crm", now: 70) == 1)
        let a1 = try #require(try await store.delivery(id: "a1")).0
        #expect(a1.target == "crm" && a1.status == .pending && a1.attempts == 0 && a1.nextAttemptAt == 70)
        #expect(try await store.due(target: "crm", now: 100, limit: 10, skipping: []).map(\.id).sorted() == ["a1", "b1"])
        #expect(try await store.purgeOrphaned(known: ["crm"]) == 1)
        #expect(try await store.delivery(id: "a2") == nil)
        #expect(try await store.counts() == [.pending: 2, .delivered: 0, .dead: 0])
    }
}
