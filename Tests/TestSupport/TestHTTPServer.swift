import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A request as the test server received it.
public struct ReceivedRequest: Sendable {
    public var method: String
    public var uri: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// What the test server answers.
public struct CannedResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Answer after this long (from the event loop's timer, not a sleep in the test).
    public var delay: TimeAmount
    /// Never answer; the request hangs until the client gives up.
    public var hang: Bool

    public init(
        status: Int = 200, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
        delay: TimeAmount = .zero, hang: Bool = false
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.delay = delay
        self.hang = hang
    }

    /// A JSON answer after `milliseconds`.
    public static func json(
        _ s: String, status: Int = 200, headers: [(name: String, value: String)] = [], afterMilliseconds ms: Int64 = 0
    ) -> CannedResponse {
        CannedResponse(
            status: status, headers: [("Content-Type", "application/json")] + headers, body: Array(s.utf8),
            delay: .milliseconds(ms))
    }

    public static func text(_ s: String, status: Int = 200) -> CannedResponse {
        CannedResponse(status: status, headers: [("Content-Type", "text/plain")], body: Array(s.utf8))
    }
}

/// A small HTTP/1.1 server on 127.0.0.1 for tests: it counts the
/// connections it accepts and closes, records requests, and answers with
/// whatever the test's handler returns.
public final class TestHTTPServer: Sendable {
    public typealias Handler = @Sendable (ReceivedRequest) -> CannedResponse

    public let port: Int
    private let channel: any Channel
    private let group: MultiThreadedEventLoopGroup
    let stats: Stats

    final class Stats: Sendable {
        let accepted = Atomic<Int>(0)
        let closed = Atomic<Int>(0)
        let requests = Mutex<[ReceivedRequest]>([])
    }

    /// Connections accepted so far.
    public var acceptedConnections: Int { stats.accepted.load(ordering: .relaxed) }
    /// Connections closed so far (by either side).
    public var closedConnections: Int { stats.closed.load(ordering: .relaxed) }
    /// Requests received so far, in arrival order.
    public var requests: [ReceivedRequest] { stats.requests.withLock { $0 } }
    public var base: String { "http://127.0.0.1:\(port)" }

    private init(port: Int, channel: any Channel, group: MultiThreadedEventLoopGroup, stats: Stats) {
        self.port = port
        self.channel = channel
        self.group = group
        self.stats = stats
    }

    public static func start(threads: Int = 1, port: Int = 0, handler: @escaping Handler) async throws -> TestHTTPServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let stats = Stats()
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                stats.accepted.add(1, ordering: .relaxed)
                channel.closeFuture.whenComplete { _ in stats.closed.add(1, ordering: .relaxed) }
                return channel.pipeline.configureHTTPServerPipeline(withErrorHandling: true).flatMap {
                    channel.pipeline.addHandler(RequestHandler(handler: handler, stats: stats))
                }
            }
        let channel = try await bootstrap.bind(host: "127.0.0.1", port: port).get()
        return TestHTTPServer(port: channel.localAddress!.port!, channel: channel, group: group, stats: stats)
    }

    public func stop() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }

    /// Waits until `condition` holds, checking every few milliseconds, and
    /// fails after `timeout`. Used to wait for server-side events without
    /// guessing how long they take.
    public func wait(
        timeout: Duration = .seconds(10), until condition: @Sendable (TestHTTPServer) -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition(self) {
            if ContinuousClock.now > deadline { throw WaitTimeout() }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}

public struct WaitTimeout: Error {}

final class RequestHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let handler: TestHTTPServer.Handler
    let stats: TestHTTPServer.Stats
    let pending = Mutex<(head: HTTPRequestHead?, body: [UInt8])>((nil, []))

    init(handler: @escaping TestHTTPServer.Handler, stats: TestHTTPServer.Stats) {
        self.handler = handler
        self.stats = stats
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            pending.withLock { $0 = (head, []) }
        case .body(var buffer):
            let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
            pending.withLock { $0.body.append(contentsOf: bytes) }
        case .end:
            let (head, body) = pending.withLock { p in
                let r = p
                p = (nil, [])
                return r
            }
            guard let head else { return }
            let request = ReceivedRequest(
                method: head.method.rawValue, uri: head.uri,
                headers: head.headers.map { ($0.name, $0.value) }, body: body)
            stats.requests.withLock { $0.append(request) }
            let response = handler(request)
            if response.hang { return }
            let keepAlive = head.isKeepAlive
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            let write: @Sendable () -> Void = {
                let context = loopBound.value
                var headers = HTTPHeaders(response.headers.map { ($0.name, $0.value) })
                headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count))
                if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
                let responseHead = HTTPResponseHead(
                    version: head.version, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
                context.write(NIOAny(HTTPServerResponsePart.head(responseHead)), promise: nil)
                if !response.body.isEmpty {
                    let buffer = context.channel.allocator.buffer(bytes: response.body)
                    context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(buffer))), promise: nil)
                }
                let done = context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)))
                if !keepAlive { done.whenComplete { _ in loopBound.value.close(promise: nil) } }
            }
            if response.delay == .zero {
                write()
            } else {
                context.eventLoop.scheduleTask(in: response.delay) { write() }
            }
        }
    }
}
