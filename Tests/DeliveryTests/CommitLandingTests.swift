import Calls
import Testing

@testable import Delivery

/// How a group commit that ran beside the loop lands: marks planned before
/// a drop are not set, the callers of a cancelled commit are not lost, and
/// at shutdown a queue that cannot be written is tried again until the
/// grace period ends.
@Suite struct CommitLandingTests {
    static let targets = """
        [target.crm]
        url = "http://127.0.0.1:9"
        """

    @Test func aCommitPlannedBeforeMarksWereDroppedSetsNone() throws {
        let rig = try DispatcherRig(targets: Self.targets)
        var s = DispatchState()
        s.dirty = false
        s.committing = CommitFlight(batch: StoreBatch(), waited: [], waiters: [], marksEpoch: s.marksEpoch)
        // A retry became due while the commit ran.
        s.dropMarks()
        s.dirty = false
        var landing = CommitLanding(skipped: 0, due: ["crm": []])
        landing.scanned["crm"] = (last: nil, exhausted: true, full: true)
        rig.dispatcher.land(.success(landing), &s, nowMono: 0, targets: rig.dispatcher.targets.withLock { $0 })
        #expect(s.marks["crm"] == nil, "the read may predate the retry: the next refill reads from the start")
        #expect(s.dirty)

        // Planned after the drop, the same landing sets the mark.
        s.committing = CommitFlight(batch: StoreBatch(), waited: [], waiters: [], marksEpoch: s.marksEpoch)
        rig.dispatcher.land(.success(landing), &s, nowMono: 0, targets: rig.dispatcher.targets.withLock { $0 })
        #expect(s.marks["crm"] == .all)
    }

    @Test func theCallersOfACancelledCommitAreAnsweredByTheLoop() async throws {
        let rig = try DispatcherRig(targets: Self.targets)
        let d = rig.dispatcher
        let submitted = Task { try await d.submit([request("s1")]) }
        while d.inbox.withLock({ $0.waiters.isEmpty }) { await Task.yield() }
        rig.state.committing = CommitFlight(batch: StoreBatch(), waited: [], waiters: [], marksEpoch: 0)
        d.inbox.withLock { $0.landed = .failure(CancellationError()) }
        var s = rig.state
        await withDiscardingTaskGroup { group in await d.round(&s, group: &group) }
        #expect(s.done)
        try #require(s.unwrittenWaiters.count == 1, "the submit handed in with the landing is kept for `run` to answer")
        for w in s.unwrittenWaiters { w.resume(throwing: Dispatcher.SubmitError.stopping) }
        await #expect(throws: Dispatcher.SubmitError.self) { try await submitted.value }
    }

    @Test func atShutdownAQueueThatCannotBeWrittenIsTriedUntilTheGracePeriodEnds() async throws {
        let rig = try DispatcherRig(targets: Self.targets)
        let d = rig.dispatcher
        try await d.enqueue([request("e1")])
        rig.store.failingCommits.store(true, ordering: .relaxed)
        d.stopping.store(true, ordering: .relaxed)
        await rig.round()
        #expect(rig.state.storeFailing)
        #expect(!rig.state.done, "the grace period has not ended")
        rig.store.failingCommits.store(false, ordering: .relaxed)
        rig.time.advance(by: .seconds(1))
        await rig.round()
        await rig.round()
        #expect(rig.state.done)
        #expect(try await rig.row("e1") != nil, "the stream's request was written before the loop ended")
    }

    @Test func atShutdownAQueueThatStaysUnwritableIsGivenUpAfterTheGracePeriod() async throws {
        let rig = try DispatcherRig(targets: Self.targets)
        let d = rig.dispatcher
        try await d.enqueue([request("e1")])
        rig.store.failingCommits.store(true, ordering: .relaxed)
        let flushed = Task { try await d.flush() }
        while d.inbox.withLock({ $0.waiters.isEmpty }) { await Task.yield() }
        d.stopping.store(true, ordering: .relaxed)
        var rounds = 0
        while !rig.state.done && rounds < 20 {
            await rig.round()
            rig.time.advance(by: .seconds(1))
            rounds += 1
        }
        #expect(rig.state.done, "the loop ends once the grace period (10 s) is over")
        #expect(rounds >= 10, "it was tried until then: \(rounds) rounds of a second")
        await #expect(throws: Dispatcher.SubmitError.self) { try await flushed.value }
        #expect(rig.store.commitCount == 0)
    }
}
