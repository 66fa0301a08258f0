import Curl
import Foundation
import TestSupport
import Testing

@Suite("libcurl client against a local server")
struct HTTPClientTests {
    @Test("1,000 sequential requests reuse one connection")
    func sequentialReuse() async throws {
        let server = try await TestHTTPServer.start { _ in .text("ok") }
        let client = HTTPClient()
        for i in 0..<1000 {
            let r = try await client.execute(HTTPRequest(url: "\(server.base)/seq/\(i)"))
            #expect(r.status == 200)
            #expect(r.text == "ok")
        }
        #expect(server.requests.count == 1000)
        #expect(server.acceptedConnections == 1, "accepted \(server.acceptedConnections) connections")
        client.shutdown()
        await server.stop()
    }

    @Test("1,000 concurrent requests all complete")
    func concurrent() async throws {
        let server = try await TestHTTPServer.start(threads: 2) { req in .text(req.uri) }
        let client = HTTPClient()
        let statuses = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for i in 0..<1000 {
                group.addTask {
                    let r = try await client.execute(HTTPRequest(url: "\(server.base)/c/\(i)"))
                    return (r.status, r.text)
                }
            }
            var all: [(Int, String)] = []
            for try await r in group { all.append(r) }
            return all
        }
        #expect(statuses.count == 1000)
        #expect(statuses.allSatisfy { $0.0 == 200 })
        #expect(Set(statuses.map(\.1)).count == 1000)
        #expect(server.requests.count == 1000)
        client.shutdown()
        await server.stop()
    }

    @Test("the whole-request timeout fires")
    func totalTimeout() async throws {
        let server = try await TestHTTPServer.start { _ in CannedResponse(delay: .seconds(5)) }
        let client = HTTPClient()
        let start = ContinuousClock.now
        do {
            _ = try await client.execute(HTTPRequest(url: "\(server.base)/slow", timeout: .milliseconds(300)))
            Issue.record("expected a timeout")
        } catch {
            #expect(error.kind == .timeout)
            #expect(error.code == 28)
        }
        // Never before the configured time.
        #expect(ContinuousClock.now - start >= .milliseconds(300))
        client.shutdown()
        await server.stop()
    }

    @Test("the connect timeout fires")
    func connectTimeout() async throws {
        let hole = try BlackholeListener()
        let client = HTTPClient()
        let start = ContinuousClock.now
        do {
            _ = try await client.execute(
                HTTPRequest(url: "http://127.0.0.1:\(hole.port)/", timeout: .seconds(30), connectTimeout: .milliseconds(300)))
            Issue.record("expected a connect timeout")
        } catch {
            #expect(error.kind == .connect)
            #expect(error.code == 28)
        }
        #expect(ContinuousClock.now - start >= .milliseconds(300))
        client.shutdown()
    }

    @Test("a refused connection is a connect error")
    func refused() async throws {
        let refusing = try RefusingPort()
        defer { refusing.release() }
        let port = refusing.port
        let client = HTTPClient()
        await #expect(throws: HTTPClientError.self) {
            _ = try await client.execute(HTTPRequest(url: "http://127.0.0.1:\(port)/"))
        }
        do {
            _ = try await client.execute(HTTPRequest(url: "http://127.0.0.1:\(port)/"))
            Issue.record("expected connection refused: nothing listens on port \(port)")
        } catch {
            #expect(error.kind == .connect)
            #expect(error.isRetryable)
        }
        client.shutdown()
    }

    @Test("an oversized response is truncated at the bound and the connection still works")
    func truncation() async throws {
        let big = [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20)
        let server = try await TestHTTPServer.start { req in
            req.uri == "/big" ? CannedResponse(body: big) : .text("small")
        }
        let client = HTTPClient()
        let r = try await client.execute(HTTPRequest(url: "\(server.base)/big"))
        #expect(r.status == 200)
        #expect(r.body.count == 64 * 1024)
        #expect(r.bodyTruncated)
        let r2 = try await client.execute(HTTPRequest(url: "\(server.base)/big", maxResponseBytes: 10))
        #expect(r2.body.count == 10)
        let small = try await client.execute(HTTPRequest(url: "\(server.base)/small"))
        #expect(small.text == "small")
        #expect(!small.bodyTruncated)
        #expect(server.acceptedConnections == 1)
        client.shutdown()
        await server.stop()
    }

    @Test("cancelling the task stops a request in flight")
    func cancellation() async throws {
        let server = try await TestHTTPServer.start { _ in CannedResponse(hang: true) }
        let client = HTTPClient()
        let task = Task { () -> HTTPClientError.Kind? in
            do {
                _ = try await client.execute(HTTPRequest(url: "\(server.base)/hang", timeout: .seconds(60)))
                return nil
            } catch let error as HTTPClientError {
                return error.kind
            } catch {
                return nil
            }
        }
        try await server.wait { $0.requests.count == 1 }
        task.cancel()
        #expect(await task.value == .cancelled)
        // The connection of the abandoned transfer is closed, not left hanging.
        try await server.wait { $0.closedConnections == 1 }
        #expect(client.inFlight == 0)
        client.shutdown()
        await server.stop()
    }

    @Test("method, headers and body are sent as given; redirects are not followed")
    func requestShape() async throws {
        let server = try await TestHTTPServer.start { req in
            if req.uri == "/moved" {
                return CannedResponse(status: 302, headers: [("Location", "/elsewhere")])
            }
            return CannedResponse(status: 201, headers: [("X-Echo", req.header("X-Call") ?? "")], body: req.body)
        }
        let client = HTTPClient()
        let body = Array(#"{"a":1}"#.utf8)
        let r = try await client.execute(
            HTTPRequest(
                method: "PUT", url: "\(server.base)/things?x=%2B49",
                headers: [("Content-Type", "application/json"), ("X-Call", "abc\r\nInjected: yes")], body: body))
        #expect(r.status == 201)
        #expect(r.body == body)
        let received = try #require(server.requests.first)
        #expect(received.method == "PUT")
        #expect(received.uri == "/things?x=%2B49")
        #expect(received.header("X-Call") == "abcInjected: yes")
        #expect(received.header("Injected") == nil)
        #expect(r.header("x-echo") == "abcInjected: yes")
        let moved = try await client.execute(HTTPRequest(url: "\(server.base)/moved"))
        #expect(moved.status == 302)
        #expect(server.requests.count == 2)
        client.shutdown()
        await server.stop()
    }

    @Test("header lines: an empty value is sent empty, control characters are dropped, UTF-8 is kept")
    func headerLines() async throws {
        let server = try await TestHTTPServer.start { _ in CannedResponse(status: 204) }
        let client = HTTPClient()
        let r = try await client.execute(
            HTTPRequest(
                url: "\(server.base)/h",
                headers: [
                    ("X-Empty", ""), ("X-Only-Controls", "\r\n\u{7F}"), ("X-Tab", "a\tb"), ("X-Name", "Jürgen Müller"),
                    ("X-Long", String(repeating: "v", count: 5000)),
                ]))
        #expect(r.status == 204)
        let received = try #require(server.requests.first)
        #expect(received.header("X-Empty") == "")
        #expect(received.header("X-Only-Controls") == "")
        #expect(received.header("X-Tab") == "a\tb")
        #expect(received.header("X-Name") == "Jürgen Müller")
        #expect(received.header("X-Long") == String(repeating: "v", count: 5000))
        client.shutdown()
        await server.stop()
    }

    @Test("a streamed body arrives whole, in order")
    func streaming() async throws {
        let payload = (0..<(4 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let server = try await TestHTTPServer.start { _ in CannedResponse(body: payload) }
        let client = HTTPClient()
        let stream = try await client.stream(HTTPRequest(url: "\(server.base)/stream", timeout: nil))
        #expect(stream.head.status == 200)
        var received: [UInt8] = []
        for try await chunk in stream { received.append(contentsOf: chunk) }
        #expect(received.count == payload.count)
        #expect(received == payload)
        client.shutdown()
        await server.stop()
    }

    @Test("shutdown fails requests still running")
    func shutdown() async throws {
        let server = try await TestHTTPServer.start { _ in CannedResponse(hang: true) }
        let client = HTTPClient()
        let task = Task { () -> HTTPClientError.Kind? in
            do {
                _ = try await client.execute(HTTPRequest(url: "\(server.base)/hang", timeout: .seconds(60)))
                return nil
            } catch let error as HTTPClientError {
                return error.kind
            } catch { return nil }
        }
        try await server.wait { $0.requests.count == 1 }
        client.shutdown()
        #expect(await task.value == .shutdown)
        await #expect(throws: HTTPClientError.self) {
            _ = try await client.execute(HTTPRequest(url: "\(server.base)/after"))
        }
        await server.stop()
    }
}
