import Calls
import Synchronization
import Testing

@testable import Delivery

/// `Dispatcher.enqueue`: a stream's requests join the next group commit
/// without waiting for it, in order, and a bounded buffer holds the source
/// back when commits do not keep up (no round runs here: a disk that does
/// not answer) or fail.
@Suite struct PipelinedSubmitTests {
    static let targets = """
        [target.crm]
        url = "http://127.0.0.1:9"
        """

    final class Flag: Sendable {
        private let value = Atomic<Bool>(false)
        var isSet: Bool { value.load(ordering: .relaxed) }
        func set() { value.store(true, ordering: .relaxed) }
    }

    /// Waits for a condition with a deadline (no guessed sleep).
    func waitFor(_ what: String, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("timed out waiting for \(what)")
                return
            }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    func committedIDs(_ rig: DispatcherRig) async throws -> [String] {
        try await rig.store.list(status: nil, limit: 1000).reversed().map(\.id)
    }

    @Test func enqueueReturnsBeforeTheCommitAndWaitsOnlyWhenTheBufferIsFull() async throws {
        let rig = try DispatcherRig(targets: Self.targets, maxUncommitted: 4)
        let d = rig.dispatcher
        for i in 0..<4 { try await d.enqueue([request("e\(i)")]) }
        #expect(try await committedIDs(rig).isEmpty, "nothing is committed before a round runs")
        #expect(d.inbox.withLock { $0.uncommitted } == 4)

        let done = Flag()
        let fifth = Task {
            try await d.enqueue([request("e4")])
            done.set()
        }
        try await waitFor("the fifth enqueue to wait for room") { d.inbox.withLock { !$0.roomWaiters.isEmpty } }
        #expect(!done.isSet, "a full buffer holds the caller back")
        #expect(d.inbox.withLock { $0.inserts.count } == 4, "memory does not grow past the bound")

        await rig.round()  // one commit for the four: room again
        try await fifth.value
        #expect(try await committedIDs(rig) == ["e0", "e1", "e2", "e3"])
        #expect(rig.store.commitCount == 1, "the four were committed in one group")
        await rig.round()
        #expect(try await committedIDs(rig) == ["e0", "e1", "e2", "e3", "e4"])
        #expect(d.inbox.withLock { $0.uncommitted } == 0)
    }

    @Test func enqueuedAndSubmittedRequestsKeepOneOrder() async throws {
        let rig = try DispatcherRig(targets: Self.targets)
        let d = rig.dispatcher
        try await d.enqueue([request("s1"), request("s2")])
        let submitted = Task { try await d.submit([request("i1")]) }
        try await waitFor("the submit to reach the inbox") { d.inbox.withLock { $0.inserts.count == 3 } }
        try await d.enqueue([request("s3")])
        await rig.round()
        try await submitted.value  // answered after its commit
        #expect(try await committedIDs(rig) == ["s1", "s2", "i1", "s3"])
    }

    @Test func aFailedCommitKeepsEnqueuedRequestsAndHoldsTheSourceBack() async throws {
        let rig = try DispatcherRig(targets: Self.targets, maxUncommitted: 3)
        let d = rig.dispatcher
        rig.store.failingCommits.store(true, ordering: .relaxed)
        try await d.enqueue([request("a")])
        let submitted = Task { try await d.submit([request("b")]) }
        try await waitFor("the submit to reach the inbox") { d.inbox.withLock { $0.inserts.count == 2 } }
        try await d.enqueue([request("c")])
        await rig.round()
        await #expect(throws: Dispatcher.SubmitError.self) { try await submitted.value }
        #expect(rig.state.unwritten.inserts.map(\.id) == ["a", "c"], "the submitter retries b itself; a and c are kept")
        #expect(d.inbox.withLock { $0.uncommitted } == 2)

        try await d.enqueue([request("d")])
        let done = Flag()
        let blocked = Task {
            try await d.enqueue([request("e")])
            done.set()
        }
        try await waitFor("the enqueue to wait for room") { d.inbox.withLock { !$0.roomWaiters.isEmpty } }
        #expect(!done.isSet, "while the queue cannot be written the source waits")

        rig.store.failingCommits.store(false, ordering: .relaxed)
        rig.time.advance(by: .seconds(1))
        await rig.round()
        try await blocked.value
        await rig.round()
        #expect(try await committedIDs(rig) == ["a", "c", "d", "e"])
    }

    @Test func aCancelledWaitForRoomEndsAndLeavesNothingBehind() async throws {
        let rig = try DispatcherRig(targets: Self.targets, maxUncommitted: 1)
        let d = rig.dispatcher
        try await d.enqueue([request("x")])
        let blocked = Task { try await d.enqueue([request("y")]) }
        try await waitFor("the enqueue to wait for room") { d.inbox.withLock { !$0.roomWaiters.isEmpty } }
        blocked.cancel()
        await #expect(throws: CancellationError.self) { try await blocked.value }
        #expect(d.inbox.withLock { $0.roomWaiters.isEmpty && $0.inserts.count == 1 })
    }

    @Test func theInsertsOfSubmitCallsAreDroppedFromAFailedCommitOnly() {
        let ids = { (n: [String]) in
            n.map { Delivery(request($0), now: 0) }
        }
        // Two kept from an earlier failure, then s, w1, w2, t, w3.
        let all = ids(["k1", "k2", "s", "w1", "w2", "t", "w3"])
        let kept = Dispatcher.withoutWaited(all, waited: [3..<5, 6..<7])
        #expect(kept.map(\.id) == ["k1", "k2", "s", "t"])
        #expect(Dispatcher.withoutWaited(all, waited: []).count == 7)
    }
}
