import Calls
import Foundation
import Logging
import RuleEngine
import Testing

@testable import Delivery

/// With SQLite, once every due delivery of a target is loaded, new
/// requests are sent from what the commit wrote, without reading the queue
/// back; with a backlog, refills read only past what was read before.
/// These tests hold the clock still (no once-a-second rescan) and check
/// that nothing waits for that rescan: a call's next request once the one
/// before it finished (also when later reads went past it), the requests
/// that did not fit the window, a retry when it is due, and that nothing
/// goes out twice.
@Suite struct FreshRefillTests {
    final class Rig {
        let time = ManualClock()
        let store: SQLiteDeliveryStore
        let dir: URL
        let fake = FakeSender()
        let dispatcher: Dispatcher
        var state = DispatchState()
        var sent: [String] = []

        init(_ toml: String) throws {
            let set = try RuleLoader.load([RuleLoader.File(path: "t.toml", text: toml)], environment: [:]).get()
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("callhook-fresh-\(UUID().uuidString)")
            store = try SQLiteDeliveryStore(path: dir.appendingPathComponent("queue.sqlite").path, clock: time.clock)
            dispatcher = Dispatcher(
                store: store, sender: fake.sender, targets: set.targets, version: "test", logger: Logger(label: "test"),
                clock: time.clock)
        }

        deinit { try? FileManager.default.removeItem(at: dir) }

        func enqueue(_ ids: [(id: String, call: String)]) async throws {
            try await dispatcher.enqueue(ids.map { request($0.id, call: $0.call) })
        }

        /// Runs rounds (each waits for the commit it started) until `done`
        /// holds, at most `limit`; returns the requests sent meanwhile.
        @discardableResult
        func rounds(limit: Int = 6, until done: ([FakeSender.Sent]) -> Bool = { _ in false }) async -> [FakeSender.Sent] {
            var out: [FakeSender.Sent] = []
            for _ in 0..<limit {
                var s = state
                let d = dispatcher
                await withDiscardingTaskGroup { group in await d.round(&s, group: &group) }
                state = s
                out += fake.take()
                if done(out) { break }
            }
            sent += out.map(\.id)
            return out
        }
    }

    static let targets = """
        [target.crm]
        url = "http://127.0.0.1:9"
        concurrency = 4
        retry = { attempts = 3, initial = "300ms", factor = 1.0, max = "300ms" }
        """

    /// The first requests are read back (nothing is known yet); after that
    /// the target is caught up.
    func caughtUpRig(_ toml: String = targets) async throws -> Rig {
        let rig = try Rig(toml)
        try await rig.enqueue([("x1", "x")])
        let first = await rig.rounds { $0.count == 1 }
        #expect(first.map(\.id) == ["x1"])
        first[0].respond(204)
        await rig.rounds(limit: 3)
        #expect(rig.state.marks["crm"] == .all)
        return rig
    }

    @Test func aCallsNextRequestGoesOutWhenTheOneBeforeItFinished() async throws {
        let rig = try await caughtUpRig()
        try await rig.enqueue([("a1", "a"), ("a2", "a"), ("b1", "b")])
        let first = await rig.rounds { $0.count == 2 }
        #expect(first.map(\.id) == ["a1", "b1"], "a2 waits for a1")
        #expect(rig.state.marks["crm"] == .all, "sent from the commit, not read back")
        first[0].respond(204)
        let next = await rig.rounds { $0.count == 1 }
        #expect(next.map(\.id) == ["a2"], "a1's outcome let a2 go without the once-a-second rescan")
        next[0].respond(204)
        first[1].respond(204)
        await rig.rounds(limit: 3)
        #expect(rig.sent.sorted() == ["a1", "a2", "b1", "x1"], "nothing went out twice")
    }

    @Test func requestsBeyondTheWindowGoOutAsSlotsFree() async throws {
        let rig = try await caughtUpRig()
        // Window: 32 for concurrency 4.
        try await rig.enqueue((0..<50).map { ("m\($0)", "m\($0)") })
        var answered = 0
        while answered < 50 {
            let batch = await rig.rounds { !$0.isEmpty }
            if batch.isEmpty { break }
            for r in batch { r.respond(204) }
            answered += batch.count
        }
        #expect(answered == 50, "all 50 went out with the clock held still")
        #expect(Set(rig.sent).count == rig.sent.count, "nothing went out twice")
    }

    @Test func aBlockedRequestBehindLaterReadsGoesOutWhenItsCallMovesOn() async throws {
        let rig = try await caughtUpRig()
        // a1 first, a2 (same call) early in a backlog larger than the
        // window (32): reads go on past a2 while a1 is unanswered.
        var items: [(id: String, call: String)] = [("a1", "a")]
        items += (0..<10).map { ("m\($0)", "m\($0)") }
        items.append(("a2", "a"))
        items += (10..<100).map { ("m\($0)", "m\($0)") }
        try await rig.enqueue(items)
        var a1: FakeSender.Sent?
        var sawMark = false
        var answered = 0
        while answered < 102 {
            let batch = await rig.rounds { !$0.isEmpty }
            if batch.isEmpty { break }
            for r in batch {
                if r.id == "a1" { a1 = r } else { r.respond(204) }
            }
            answered += batch.filter { $0.id != "a1" }.count
            if case .upTo = rig.state.marks["crm"], let a1, !sawMark {
                // The refills read past a position, a2 behind it.
                sawMark = true
                a1.respond(204)
                answered += 1
            }
        }
        #expect(sawMark, "the backlog was read past a position, not from the start each time")
        #expect(answered == 102, "all went out with the clock held still, a2 after a1")
        #expect(Set(rig.sent).count == rig.sent.count, "nothing went out twice")
        let order = rig.sent.filter { $0 == "a1" || $0 == "a2" }
        #expect(order == ["a1", "a2"])
    }

    @Test func aRetryGoesOutWhenDue() async throws {
        let rig = try await caughtUpRig()
        try await rig.enqueue([("r1", "r")])
        let first = await rig.rounds { $0.count == 1 }
        #expect(first.map(\.id) == ["r1"])
        first[0].respond(503)
        await rig.rounds(limit: 2)
        rig.time.advance(by: .milliseconds(300))
        let again = await rig.rounds { $0.count == 1 }
        #expect(again.map(\.id) == ["r1"])
        #expect(again.first?.attempt == "2")
    }

    /// A retry due at once is pending again in the very commit that writes
    /// its outcome; that commit's refill must read it (the delivery is no
    /// longer held once its outcome is written), or it waits for the
    /// once-a-second rescan.
    @Test func aRetryDueAtOnceIsReadByTheCommitThatWritesItsOutcome() async throws {
        let rig = try await caughtUpRig(
            """
            [target.crm]
            url = "http://127.0.0.1:9"
            concurrency = 4
            retry = { attempts = 3, initial = "0s", factor = 1.0, max = "0s" }
            """)
        try await rig.enqueue([("r1", "r")])
        let first = await rig.rounds { $0.count == 1 }
        #expect(first.map(\.id) == ["r1"])
        first[0].respond(503, [("Retry-After", "0")])
        let again = await rig.rounds { $0.count == 1 }
        #expect(again.map(\.id) == ["r1"], "sent again with the clock held still")
        #expect(again.first?.attempt == "2")
        again.first?.respond(204)
        await rig.rounds(limit: 3)
        #expect(rig.sent == ["x1", "r1", "r1"], "twice, not more")
    }
}
