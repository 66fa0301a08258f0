import Calls
import Testing

@testable import Simulator

/// The simulator's tables and buffers stay bounded however long it runs.
@Suite("simulator hub bounds")
struct SimulatorHubBoundsTests {
    func hub(_ configure: (inout SimulatorOptions) -> Void = { _ in }) -> SimulatorHub {
        var options = SimulatorOptions()
        configure(&options)
        return SimulatorHub(options: options, initialStates: [])
    }

    func ring(_ n: Int) -> SimulatedEvent.Payload {
        .call(CallEvent(uuid: "call-\(n)", state: "ring", caller: "4989123456", callee: "100", extension: "100"))
    }

    @Test func expiredTokensAreForgottenSoRepeatedLoginsDoNotGrowTheTable() async {
        let hub = hub {
            $0.tokenTTL = .seconds(60)
            $0.refreshTTL = .seconds(120)
        }
        let start = ContinuousClock.now
        for _ in 0..<50 { _ = await hub.issueTokens(user: "u") }
        #expect(await hub.tokenCount == 100)
        await hub.tick(now: start + .seconds(90))
        #expect(await hub.tokenCount == 50, "access tokens expired after 60 s; refresh tokens live 120 s")
        await hub.tick(now: start + .seconds(180))
        #expect(await hub.tokenCount == 0)
    }

    @Test func aTokenStillValidIsKeptByPruning() async throws {
        let hub = hub { $0.tokenTTL = .seconds(60) }
        let tokens = await hub.issueTokens(user: "u")
        await hub.tick(now: .now + .seconds(1))
        let access = try #require(tokens["access-token"])
        #expect(await hub.validate(access, kind: .access) != nil)
    }

    @Test func aCallsClientThatStopsReadingIsDisconnectedNotBufferedWithoutBound() async {
        let hub = hub { $0.subscriberBuffer = 8 }
        let stream = await hub.subscribeCalls(expires: .now + .seconds(3600))
        for n in 1...20 { await hub.publish(ring(n)) }
        #expect(await hub.callSubscriberCount == 0)
        #expect(await hub.slowSubscribersDropped == 1)
        // It gets what fitted, without a gap, then its stream ends (the
        // client reconnects).
        var received: [String] = []
        for await chunk in stream { received.append(String(decoding: chunk, as: UTF8.self)) }
        #expect(received.count == 8)
        #expect(received.first?.contains(#""uuid":"call-1""#) == true)
        #expect(received.last?.contains(#""uuid":"call-8""#) == true)
    }

    @Test func aClientWithinItsBufferIsKept() async {
        let hub = hub { $0.subscriberBuffer = 8 }
        let stream = await hub.subscribeCalls(expires: .now + .seconds(3600))
        for n in 1...8 { await hub.publish(ring(n)) }
        #expect(await hub.callSubscriberCount == 1)
        #expect(await hub.slowSubscribersDropped == 0)
        _ = stream
    }

    @Test func aStatesClientGetsItsWholeSnapshotWhateverTheBuffer() async {
        var options = SimulatorOptions()
        options.subscriberBuffer = 2
        let states = (0..<10).map { LineStateEvent(extension: "\(100 + $0)", line: "idle") }
        let hub = SimulatorHub(options: options, initialStates: states)
        let stream = await hub.subscribeStates(expires: .now + .seconds(3600))
        await hub.closeAll()
        var received = 0
        for await _ in stream { received += 1 }
        #expect(received == 10)
        #expect(await hub.slowSubscribersDropped == 0)
    }
}
