import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Server
import ServiceLifecycle
import Synchronization

/// The demo's local HTTP receiver: every target is redirected here, and it
/// prints each request it receives (method, path, pretty JSON body).
public final class DemoSink: Sendable {
    public let listening = PortAnnouncer()
    private let received = Atomic<Int>(0)
    private let console: Console
    private let host: String
    private let port: Int
    private let logger: Logger

    public init(host: String = "127.0.0.1", port: Int = 0, console: Console, logger: Logger) {
        self.host = host
        self.port = port
        self.console = console
        self.logger = logger
    }

    public var count: Int { received.load(ordering: .relaxed) }

    /// The HTTP server, to run in the service group; with `agentRoutes`
    /// it also serves the agent page and stream.
    public func application(agentRoutes: AgentRoutes? = nil) -> any Service {
        let router = Router()
        agentRoutes?.add(to: router)
        for method: HTTPRequest.Method in [.get, .post, .put, .patch, .delete] {
            router.on("**", method: method) { request, _ -> Response in
                let body = try await request.body.collect(upTo: 1 << 20)
                self.record(request, body: Data(buffer: body))
                return Response(
                    status: .ok, headers: [.contentType: "application/json"],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"ok":true}"#)))
            }
        }
        return LoopbackServer.application(
            router: router, host: host, port: port, name: "callhook-demo-sink", announcer: listening, logger: logger)
    }

    private func record(_ request: Request, body: Data) {
        let n = received.add(1, ordering: .relaxed).newValue
        var text = "── #\(n) \(request.method.rawValue) \(request.uri.string)"
        if let name = HTTPField.Name("Idempotency-Key"), let key = request.headers[name] { text += "   delivery \(key)" }
        text += "\n" + Self.pretty(body, contentType: request.headers[.contentType] ?? "")
        console.print(text)
    }

    static func pretty(_ body: Data, contentType: String) -> String {
        if body.isEmpty { return "   (no body)" }
        if contentType.contains("json"), let object = try? JSONSerialization.jsonObject(with: body),
            let data = try? JSONSerialization.data(
                withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        {
            return String(decoding: data, as: UTF8.self).split(separator: "\n").map { "   " + $0 }.joined(separator: "\n")
        }
        return "   " + String(decoding: body.prefix(2048), as: UTF8.self)
    }
}
