import Curl
import Synchronization
import TestSupport
import Testing

/// Cancellation at every point of a request's start: before it is created,
/// before the loop thread adds it, and while it is being added. Each must
/// end exactly once with `.cancelled` and leave no easy handle and no
/// connection behind.
@Suite("libcurl client under cancellation")
struct CancellationTests {
    /// Waits until `condition` holds or fails after `timeout`.
    private func wait(
        _ what: String, timeout: Duration = .seconds(10), until condition: () -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            if ContinuousClock.now > deadline {
                Issue.record("timed out waiting for \(what)")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// The kind of error `body` ended with, nil when it succeeded.
    private static func outcome(
        _ body: @Sendable () async throws -> Void
    ) async -> HTTPClientError.Kind? {
        do {
            try await body()
            return nil
        } catch let error as HTTPClientError {
            return error.kind
        } catch {
            return nil
        }
    }

    @Test("a request from an already-cancelled task does not connect and does not hang")
    func alreadyCancelledRequestMakesNoConnection() async throws {
        let server = try await TestHTTPServer.start { _ in CannedResponse(hang: true) }
        let client = HTTPClient()
        let task = Task { () -> HTTPClientError.Kind? in
            withUnsafeCurrentTask { $0?.cancel() }
            return await Self.outcome { _ = try await client.execute(HTTPRequest(url: "\(server.base)/never")) }
        }
        #expect(await task.value == .cancelled)
        try await wait("no live handle") { client.liveHandles == 0 && client.inFlight == 0 }
        #expect(server.acceptedConnections == 0)
        client.shutdown()
        await server.stop()
    }

    @Test("a stream from an already-cancelled task does not open an SSE connection")
    func alreadyCancelledStreamMakesNoConnection() async throws {
        let server = try await TestHTTPServer.start { _ in CannedResponse(hang: true) }
        let client = HTTPClient()
        let task = Task { () -> HTTPClientError.Kind? in
            withUnsafeCurrentTask { $0?.cancel() }
            return await Self.outcome { _ = try await client.stream(HTTPRequest(url: "\(server.base)/events")) }
        }
        #expect(await task.value == .cancelled)
        try await wait("no live handle") { client.liveHandles == 0 && client.inFlight == 0 }
        #expect(server.acceptedConnections == 0)
        client.shutdown()
        await server.stop()
    }

    @Test("cancel racing the add: 300 requests each end cancelled once, no handle or connection left")
    func cancelRacingAddLeavesNothingBehind() async throws {
        let server = try await TestHTTPServer.start { _ in CannedResponse(hang: true) }
        let client = HTTPClient()
        var cancelled = 0
        for i in 0..<300 {
            let task = Task { () -> HTTPClientError.Kind? in
                return await Self.outcome { _ = try await client.execute(HTTPRequest(url: "\(server.base)/race/\(i)")) }
            }
            // Every few rounds let the request reach the loop first, so the
            // cancel lands before, during and after the add.
            if i % 3 == 1 { await Task.yield() }
            task.cancel()
            if await task.value == .cancelled { cancelled += 1 }
        }
        #expect(cancelled == 300)
        try await wait("no live handle") { client.liveHandles == 0 && client.inFlight == 0 }
        try await server.wait { $0.acceptedConnections == $0.closedConnections }
        client.shutdown()
        await server.stop()
    }

    @Test("a callback request cancelled at once completes exactly once, 300 times")
    func callbackCancelCompletesExactlyOnce() async throws {
        let server = try await TestHTTPServer.start { _ in CannedResponse(hang: true) }
        let client = HTTPClient()
        let calls = Mutex<[Int: [HTTPClientError.Kind?]]>([:])
        for i in 0..<300 {
            let handle = client.send(HTTPRequest(url: "\(server.base)/cb/\(i)")) { result in
                let kind: HTTPClientError.Kind? =
                    switch result {
                    case .success: nil
                    case .failure(let e): e.kind
                    }
                calls.withLock { $0[i, default: []].append(kind) }
            }
            handle.cancel()
        }
        try await wait("300 completions") { calls.withLock { $0.count } == 300 }
        try await wait("no live handle") { client.liveHandles == 0 && client.inFlight == 0 }
        let all = calls.withLock { $0 }
        #expect(all.values.allSatisfy { $0 == [.cancelled] })
        try await server.wait { $0.acceptedConnections == $0.closedConnections }
        client.shutdown()
        await server.stop()
    }

    @Test("streams cancelled before or while adding leave no open SSE connection")
    func cancelledStreamsLeaveNoConnection() async throws {
        let server = try await TestHTTPServer.start { _ in CannedResponse(hang: true) }
        let client = HTTPClient()
        for i in 0..<100 {
            let task = Task { () -> HTTPClientError.Kind? in
                return await Self.outcome { _ = try await client.stream(HTTPRequest(url: "\(server.base)/events/\(i)")) }
            }
            if i % 2 == 1 { await Task.yield() }
            task.cancel()
            #expect(await task.value == .cancelled)
        }
        // Give one stream time to really connect, then cancel it: the
        // server must see that connection closed.
        let open = Task { () -> HTTPClientError.Kind? in
            return await Self.outcome { _ = try await client.stream(HTTPRequest(url: "\(server.base)/events/open")) }
        }
        try await server.wait { $0.requests.contains { $0.uri == "/events/open" } }
        open.cancel()
        #expect(await open.value == .cancelled)
        try await wait("no live handle") { client.liveHandles == 0 && client.inFlight == 0 }
        try await server.wait { $0.acceptedConnections == $0.closedConnections }
        #expect(server.acceptedConnections >= 1)
        client.shutdown()
        await server.stop()
    }
}
