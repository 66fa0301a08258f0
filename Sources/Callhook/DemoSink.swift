import Curl
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Server
import ServiceLifecycle
import Synchronization

/// The demo's local HTTP receiver: every target is redirected here, and it
/// prints each request it receives (method, path, pretty JSON body).
///
/// A peoplefone CONNECTOR workflow request (a JSON body of just
/// `{"inputs": {…}}`) is passed on to the simulator's workflow service,
/// which answers as a CRM would, with `{"id", "url"}` of a new object; the
/// sink prints that answer and returns it, so the demo shows the id chain:
/// the call's next workflow request carries that id as `inputs.id`.
public final class DemoSink: Sendable {
    public let listening = PortAnnouncer()
    private let received = Atomic<Int>(0)
    private let workflowService = Mutex<(base: String, client: HTTPClient)?>(nil)
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
                let body = Data(buffer: try await request.body.collect(upTo: 1 << 20))
                let answer = await self.answer(to: body, path: request.uri.path)
                self.record(request, body: body, answer: answer)
                return Response(
                    status: .ok, headers: [.contentType: "application/json"],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: answer ?? #"{"ok":true}"#)))
            }
        }
        return LoopbackServer.application(
            router: router, host: host, port: port, name: "callhook-demo-sink", announcer: listening, logger: logger)
    }

    /// Workflow requests are answered by the simulator's `/workflow/{name}`
    /// at `simulatorBase`.
    public func answerWorkflows(from simulatorBase: String, client: HTTPClient) {
        workflowService.withLock { $0 = (simulatorBase, client) }
    }

    /// The workflow service's answer to a workflow request; nil for any
    /// other request, or before `answerWorkflows` was called.
    func answer(to body: Data, path: String) async -> String? {
        guard let service = workflowService.withLock({ $0 }),
            let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any], object.count == 1,
            object["inputs"] is [String: Any]
        else { return nil }
        let name = path.split(separator: "/").last.map(String.init) ?? "workflow"
        let request = Curl.HTTPRequest(
            method: "POST", url: "\(service.base)/workflow/\(name)",
            headers: [("Content-Type", "application/json")], body: Array(body), timeout: .seconds(5))
        do {
            let response = try await service.client.execute(request)
            return String(decoding: response.body, as: UTF8.self)
        } catch {
            return #"{"error":"the simulator's workflow service did not answer"}"#
        }
    }

    private func record(_ request: Request, body: Data, answer: String?) {
        let n = received.add(1, ordering: .relaxed).newValue
        var text = "── #\(n) \(request.method.rawValue) \(request.uri.string)"
        if let name = HTTPField.Name("Idempotency-Key"), let key = request.headers[name] { text += "   delivery \(key)" }
        text += "\n" + Self.pretty(body, contentType: request.headers[.contentType] ?? "")
        if let answer { text += "\n   answered " + answer }
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
