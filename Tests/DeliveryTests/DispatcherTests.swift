import Calls
import Curl
import TestSupport
import Testing

@testable import Delivery

/// The dispatcher's loop, one round at a time, on a manual clock: nothing
/// here sleeps or waits on real time.
@Suite struct DispatcherTests {
    static func target(_ extra: String = "") -> String {
        """
        [target.crm]
        url = "http://127.0.0.1:9"
        \(extra)
        """
    }

    @Test func requestsOfOneLegAndTargetGoOutInOrder() async throws {
        let rig = try DispatcherRig(targets: Self.target())
        try await rig.queue([("a1", "leg-a"), ("a2", "leg-a"), ("b1", "leg-b"), ("a3", "leg-a")])
        var sent = await rig.round()
        #expect(sent.map(\.id) == ["a1", "b1"], "a2 waits for a1; other legs do not")
        sent[0].respond(200)
        sent = await rig.round()
        #expect(sent.map(\.id) == ["a2"])
        sent[0].respond(500)
        sent = await rig.round()
        #expect(sent.isEmpty, "a3 waits while a2 is retried")
        rig.time.advance(by: .seconds(1))
        sent = await rig.round()
        #expect(sent.map(\.id) == ["a2"])
        #expect(sent.map(\.attempt) == ["2"])
    }

    @Test func concurrencyLimitsRequestsInFlight() async throws {
        let rig = try DispatcherRig(targets: Self.target("concurrency = 2"))
        try await rig.queue((1...5).map { ("d\($0)", "k\($0)") })
        let first = await rig.round()
        #expect(first.map(\.id) == ["d1", "d2"])
        first[1].respond(204)
        #expect(await rig.round().map(\.id) == ["d3"])
        #expect(await rig.round().isEmpty)
    }

    @Test func rateLimitSpacesRequestsOnTheClock() async throws {
        let rig = try DispatcherRig(targets: Self.target(#"rate = "2/s""#))
        try await rig.queue((1...5).map { ("d\($0)", "k\($0)") })
        #expect(await rig.round().count == 2, "a second's worth at once")
        #expect(await rig.round().isEmpty)
        rig.time.advance(by: .milliseconds(499))
        #expect(await rig.round().isEmpty)
        rig.time.advance(by: .milliseconds(1))
        #expect(await rig.round().map(\.id) == ["d3"])
    }

    @Test func retryWaitsForTheJitteredBackoff() async throws {
        let rig = try DispatcherRig(targets: Self.target())
        try await rig.queue([("d", "k")])
        let start = rig.time.clock.wallMilliseconds
        await rig.round()[0].complete(.failure(HTTPClientError(kind: .connect, code: 7, message: "Connection refused")))
        #expect(await rig.round().isEmpty)
        let (row, attempts) = try #require(try await rig.row("d"))
        // Attempt 2 waits 1 s × (0.5 + 0.5 × 0.5) = 750 ms.
        #expect(row.status == .pending && row.attempts == 1 && row.nextAttemptAt == start + 750)
        #expect(attempts.map(\.error) == ["connect: Connection refused"])
        rig.time.advance(by: .milliseconds(749))
        #expect(await rig.round().isEmpty)
        rig.time.advance(by: .milliseconds(1))
        #expect(await rig.round().map(\.attempt) == ["2"])
    }

    @Test func aWallClockStepMovesNoRetry() async throws {
        let rig = try DispatcherRig(targets: Self.target())
        try await rig.queue([("d", "k")])
        await rig.round()[0].complete(.failure(HTTPClientError(kind: .connect, code: 7, message: "Connection refused")))
        #expect(await rig.round().isEmpty)
        // Forward by an hour: the retry is not due early.
        rig.time.stepWall(by: .seconds(3600))
        #expect(await rig.round().isEmpty, "a forward step made the retry due early")
        // Backward by a day: it is not delayed either; 750 ms of real time is enough.
        rig.time.stepWall(by: .seconds(-86400))
        rig.time.advance(by: .milliseconds(750))
        #expect(await rig.round().map(\.attempt) == ["2"], "a backward step delayed the retry")
    }

    @Test func breakerPausesTheTargetThenOneRequestProbes() async throws {
        let rig = try DispatcherRig(targets: Self.target("retry = { attempts = 50 }"))
        try await rig.queue((1...5).map { ("d\($0)", "k\($0)") })
        let first = await rig.round()
        #expect(first.count == 5)
        for s in first { s.respond(503) }
        #expect(await rig.round().isEmpty)
        try await rig.queue([("n1", "n1"), ("n2", "n2")])
        // A wall-clock step does not end the pause: it runs on monotonic time.
        rig.time.stepWall(by: .seconds(3600))
        #expect(await rig.round().isEmpty)
        rig.time.advance(by: .seconds(29))
        #expect(await rig.round().isEmpty, "paused for 30 s")
        rig.time.advance(by: .seconds(1))
        let probe = await rig.round()
        #expect(probe.map(\.id) == ["d1"])
        #expect(await rig.round().isEmpty, "one probe at a time")
        probe[0].respond(200)
        #expect(await rig.round().map(\.id) == ["d2", "d3", "d4", "d5", "n1", "n2"], "the target is back")
    }

    @Test func shutdownDrainsThenCancelsAndKeepsTheRestQueued() async throws {
        let rig = try DispatcherRig(targets: Self.target())
        try await rig.queue([("a", "ka"), ("b", "kb")])
        let sent = await rig.round()
        #expect(sent.count == 2)
        rig.dispatcher.stopping.store(true, ordering: .relaxed)
        try await rig.queue([("c", "kc")])
        #expect(await rig.round().isEmpty, "nothing new starts")
        sent[0].respond(200)
        #expect(await rig.round().isEmpty)
        #expect(!rig.state.done, "b is still in flight")
        rig.time.advance(by: .seconds(10))
        await rig.round()  // the grace period is over: b is cancelled
        await rig.round()  // its cancellation comes back
        #expect(rig.state.done)
        #expect(try await rig.row("a")?.0.status == .delivered)
        let (b, attempts) = try #require(try await rig.row("b"))
        #expect(b.status == .pending && b.attempts == 0 && attempts.isEmpty, "a cancelled attempt is not counted")
        #expect(try await rig.row("c")?.0.status == .pending)
    }
}

/// Through libcurl to a server whose certificate is not trusted (10.5).
@Suite struct UntrustedCertificateTests {
    @Test func anUntrustedCertificateKeepsTheDeliveryPendingWithTheReasonInItsAttempts() async throws {
        let server = try await SelfSignedServer.start()
        defer { server.stop() }
        try #require(server.port > 0)
        let client = HTTPClient()
        defer { client.shutdown() }
        let rig = try DispatcherRig(
            targets: """
                [target.crm]
                url = "https://127.0.0.1:\(server.port)"
                timeout = "5s"
                """, sender: .client(client))
        try await rig.queue([("d", "k")], url: "https://127.0.0.1:\(server.port)/hook")
        #expect(await rig.round().isEmpty, "the real client sends it")
        // Wait for the attempt to come back (a condition with a deadline).
        let deadline = ContinuousClock.now + .seconds(120)
        while try await rig.row("d")?.1.isEmpty != false, ContinuousClock.now < deadline {
            await rig.round()
            try await Task.sleep(for: .milliseconds(20))
        }
        let (row, attempts) = try #require(try await rig.row("d"))
        #expect(row.status == .pending && row.attempts == 1)
        #expect(attempts.count == 1)
        let error = try #require(attempts.first?.error)
        #expect(error.hasPrefix("tls: "))
        #expect(error.lowercased().contains("certificate"), "the history says why: \(error)")
    }
}
