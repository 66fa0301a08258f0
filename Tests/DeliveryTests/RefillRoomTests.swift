import Testing

@testable import Delivery

/// A refill past a target's mark reads the room left in its window, not a
/// whole window: nothing past the mark is loaded, so the rest would be
/// decoded and dropped (half of every read in the stream benchmark).
@Suite struct RefillRoomTests {
    @Test func aRefillPastTheMarkReadsTheRoomLeftInTheWindow() async throws {
        let rig = try await FreshRefillTests().caughtUpRig()
        // 100 requests behind the window (32 for concurrency 4), none answered.
        try await rig.enqueue((0..<100).map { ("m\($0)", "m\($0)") })
        var sent = 0
        for _ in 0..<10 where rig.state.loaded["crm"] != 32 || !Self.isUpTo(rig.state.marks["crm"]) {
            sent += await rig.rounds(limit: 1).count
        }
        #expect(sent == 4, "concurrency 4")
        #expect(rig.state.loaded["crm"] == 32, "the window is full")
        guard case .upTo(let mark) = rig.state.marks["crm"] else {
            Issue.record("no mark after reading into the backlog: \(String(describing: rig.state.marks["crm"]))")
            return
        }

        // 20 of the 32 settle (as if answered): 12 stay loaded, 20 fit.
        var s = rig.state
        s.loaded["crm"] = 12
        let plan = rig.dispatcher.commitRefills(&s, nowMono: 0, targets: rig.dispatcher.targets.withLock { $0 })
        #expect(plan.count == 1)
        #expect(plan.first?.target == "crm")
        #expect(plan.first?.limit == 20, "the room, not the window (32)")
        #expect(plan.first?.holding == .upTo(mark))

        // The read returns that many, all past the mark and none loaded.
        let landing = try await rig.store.commit(
            StoreBatch(), refills: plan, probeSuccessors: false, now: .max, skipping: s.loadedSeqs)
        let rows = landing.due?["crm"] ?? []
        #expect(rows.count == 20)
        #expect(rows.allSatisfy { ($0.seq ?? 0) > mark && !s.loadedSeqs.contains($0.seq ?? 0) })
    }

    /// With SQLite a refill is planned once a quarter of the window is
    /// free (the read rides on the next commit), not before.
    @Test func noRefillWhileMoreThanThreeQuartersOfTheWindowIsLoaded() async throws {
        let rig = try await FreshRefillTests().caughtUpRig()
        var s = rig.state
        s.setMark(.upTo(1), "crm")
        s.loaded["crm"] = 25
        let targets = rig.dispatcher.targets.withLock { $0 }
        #expect(rig.dispatcher.commitRefills(&s, nowMono: 0, targets: targets).isEmpty)
        s.loaded["crm"] = 24
        #expect(rig.dispatcher.commitRefills(&s, nowMono: 0, targets: targets).map(\.limit) == [8])
    }

    static func isUpTo(_ m: QueueMark?) -> Bool {
        if case .upTo = m { return true }
        return false
    }
}
