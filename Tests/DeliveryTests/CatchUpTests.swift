import Curl
import Synchronization
import Testing

@testable import Delivery

/// Results that come in while a round waits for the queue start the next
/// loaded deliveries before the round ends, and a delivery whose outcome
/// is not yet written is never loaded (and sent) a second time.
@Suite struct CatchUpTests {
    /// Answers every request at once with `status`, and counts sends by id.
    final class InstantSender: Sendable {
        let sent = Mutex([String]())
        let status: Int
        init(status: Int = 200) { self.status = status }

        var sender: DeliverySender {
            DeliverySender { request, completion in
                self.sent.withLock { $0.append(request.header("Idempotency-Key") ?? "") }
                completion(.success(HTTPResponse(status: self.status, headers: [], body: [])))
                return {}
            }
        }

        func take() -> [String] {
            sent.withLock { list in
                defer { list = [] }
                return list
            }
        }
    }

    static let targets = """
        [target.crm]
        url = "http://127.0.0.1:9"
        concurrency = 1
        """

    @Test func aResultDuringTheRoundStartsTheNextDeliveryInTheSameRound() async throws {
        let instant = InstantSender()
        let rig = try DispatcherRig(targets: Self.targets, sender: instant.sender)
        try await rig.queue([("d1", "k1"), ("d2", "k2"), ("d3", "k3")])
        await rig.round()
        #expect(instant.take() == ["d1"], "one slot: the first load starts one")
        await rig.round()
        #expect(instant.take() == ["d2", "d3"], "each answer frees the slot for the next within the round")
        await rig.round()
        await rig.round()
        #expect(instant.take().isEmpty, "nothing is sent twice")
        for id in ["d1", "d2", "d3"] {
            let (d, attempts) = try #require(try await rig.row(id))
            #expect(d.status == .delivered)
            #expect(attempts.count == 1)
        }
    }

    @Test func aSettledDeliveryIsNotLoadedAgainBeforeItsOutcomeIsWritten() async throws {
        let instant = InstantSender(status: 503)
        let rig = try DispatcherRig(
            targets: """
                [target.crm]
                url = "http://127.0.0.1:9"
                concurrency = 4
                retry = { attempts = 5, initial = "1s", factor = 1.0, max = "1s" }
                """, sender: instant.sender)
        try await rig.queue([("a", "ka"), ("b", "kb")])
        await rig.round()
        #expect(instant.take() == ["a", "b"])
        // The 503s are settled while the queue cannot be written: their
        // outcomes wait, and the rows still say "pending, due now".
        rig.store.failingCommits.store(true, ordering: .relaxed)
        await rig.round()
        rig.state.dirty = true
        await rig.round()
        #expect(instant.take().isEmpty, "a and b are not sent again while their outcomes are unwritten")
        rig.store.failingCommits.store(false, ordering: .relaxed)
        rig.time.advance(by: .seconds(1))
        await rig.round()
        let (a, _) = try #require(try await rig.row("a"))
        #expect(a.attempts == 1 && a.status == .pending, "the outcome of the first attempt was written once")
        rig.time.advance(by: .seconds(1))
        await rig.round()
        #expect(instant.take().sorted() == ["a", "b"], "the retries go out when due")
    }
}
