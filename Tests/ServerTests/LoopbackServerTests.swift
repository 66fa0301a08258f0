import Hummingbird
import Logging
import Server
import ServiceLifecycle
import Testing

/// Waits for a server's port end, whatever happens to the server or the
/// waiter: start-up never hangs.
@Suite("loopback server start-up")
struct LoopbackServerTests {
    func server(port: Int, announcer: PortAnnouncer) -> some Service {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return LoopbackServer.application(
            router: Router(), host: "127.0.0.1", port: port, name: "test", announcer: announcer, logger: logger)
    }

    @Test func aWaitForThePortEndsWhenTheWaiterIsCancelledInsteadOfHanging() async {
        let announcer = PortAnnouncer()
        let waiter = Task { try await announcer.port() }
        waiter.cancel()
        let result = await waiter.result
        #expect(throws: CancellationError.self) { try result.get() }
    }

    @Test func aWaitStartedAfterCancellationEndsAtOnce() async {
        let announcer = PortAnnouncer()
        let waiter = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await announcer.port()
        }
        let result = await waiter.result
        #expect(throws: CancellationError.self) { try result.get() }
    }

    @Test func everyWaiterGetsThePortOnceTheServerListens() async throws {
        let announcer = PortAnnouncer()
        async let first = announcer.port()
        async let second = announcer.port()
        announcer.announce(8123)
        #expect(try await [first, second] == [8123, 8123])
        #expect(try await announcer.port() == 8123)
    }

    @Test func aTakenPortFailsTheServerAndItsWaitersWithTheAddress() async throws {
        let holder = PortAnnouncer()
        let running = Task { try await server(port: 0, announcer: holder).run() }
        defer { running.cancel() }
        let taken = try await holder.port()

        let announcer = PortAnnouncer()
        let waiter = Task { try await announcer.port() }
        let failure = await #expect(throws: ListenFailure.self) {
            try await server(port: taken, announcer: announcer).run()
        }
        #expect(failure?.address == "127.0.0.1:\(taken)")
        #expect(failure?.description.hasPrefix("cannot listen on 127.0.0.1:\(taken): ") == true)
        let waited = await waiter.result
        #expect(throws: ListenFailure.self) { try waited.get() }
    }
}
