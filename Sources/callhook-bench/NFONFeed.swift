import Foundation
import Hummingbird
import Logging
import Synchronization

/// An NFON-compatible CTI server inside the benchmark process, so that the
/// benchmark decides when each event leaves and stamps it with the same
/// clock as the sink that receives its webhook: login, the directory, an
/// empty states snapshot and the calls stream, which writes whatever the
/// benchmark `push`es, as fast as the reader takes it (TCP back-pressure).
///
/// It also serves `/sink/<call id>` (204), recording when each request
/// arrived: the latency sink of P4.
final class NFONFeed: Sendable {
    private let events: AsyncStream<ByteBuffer>
    private let continuation: AsyncStream<ByteBuffer>.Continuation
    let port: Int
    /// Monotonic nanoseconds at which the calls stream wrote its first
    /// event: the daemon connects while it starts, before anything is
    /// pushed, and the time until the first push is not the daemon's.
    let streamStarted = Atomic<Int64>(0)
    /// Bytes written to the calls stream.
    let bytesWritten = Atomic<Int>(0)
    /// Arrival times (monotonic ns) of sink requests by call number.
    let arrivals = Mutex([Int: Int64]())
    private let task: Mutex<Task<Void, Never>?> = Mutex(nil)

    init() throws {
        (events, continuation) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
        port = try NginxSink.freePort()
    }

    /// Queues SSE bytes for the calls stream.
    func push(_ bytes: ByteBuffer) { continuation.yield(bytes) }

    /// One NFON `call` object (a ring of an inbound call) as an SSE event.
    static func ring(_ n: Int, prefix: String, updated: String, state: String = "ring") -> String {
        "data: {\"uuid\":\"\(prefix)-\(n)\",\"state\":\"\(state)\",\"caller\":\"4989123456\",\"caller_context\":\"global\","
            + "\"callee\":\"100\",\"callee_context\":\"K1234\",\"direction\":\"inbound\",\"extension\":\"100\","
            + "\"customer\":\"K1234\",\"updated\":\"\(updated)\"}\n\n"
    }

    static func now() -> Int64 { Int64(DispatchTime.now().uptimeNanoseconds) }

    func start() async throws {
        let router = Router()
        router.post("/v1/login") { _, _ -> Response in Self.tokens() }
        router.put("/v1/login") { _, _ -> Response in Self.tokens() }
        router.get("/v1/extensions/phone/data") { _, _ -> Response in Self.json("[]") }
        router.get("/v1/extensions/phone/states") { _, _ -> Response in Self.json("[]") }
        let events = self.events
        router.get("/v1/extensions/phone/calls") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                body: ResponseBody { writer in
                    var first = true
                    for await chunk in events {
                        if first {
                            first = false
                            _ = self.streamStarted.compareExchange(expected: 0, desired: Self.now(), ordering: .relaxed)
                        }
                        self.bytesWritten.add(chunk.readableBytes, ordering: .relaxed)
                        try await writer.write(chunk)
                    }
                    try await writer.finish(nil)
                })
        }
        router.post("/sink/:id") { request, context -> Response in
            let now = Self.now()
            if let id = context.parameters.get("id"), let dash = id.lastIndex(of: "-"),
                let n = Int(id[id.index(after: dash)...])
            {
                self.arrivals.withLock { $0[n] = now }
            }
            _ = try await request.body.collect(upTo: 1 << 20)
            return Response(status: .noContent)
        }
        var logger = Logger(label: "bench-feed")
        logger.logLevel = .error
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
        // `run`, not `runService`: no signal handlers of its own.
        task.withLock { $0 = Task { try? await app.run() } }
        let deadline = ContinuousClock.now + .seconds(10)
        while (try? await offPool({ [port] in try NginxSink.get(port: port, path: "/v1/extensions/phone/data") })) == nil {
            guard ContinuousClock.now < deadline else { throw BenchError(message: "the NFON feed did not start") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    func stop() {
        continuation.finish()
        task.withLock { $0?.cancel() }
    }

    static func tokens() -> Response {
        let exp = Int(Date().timeIntervalSince1970) + 3600
        func b64(_ s: String) -> String {
            Data(s.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
        let jwt = b64(#"{"alg":"none","typ":"JWT"}"#) + "." + b64(#"{"exp":\#(exp)}"#) + ".bench"
        return json(#"{"access-token":"\#(jwt)","refresh-token":"\#(jwt)"}"#)
    }

    static func json(_ text: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
