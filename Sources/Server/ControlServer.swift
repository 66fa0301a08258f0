import Foundation
import Hummingbird
import Logging
import Prometheus
import ServiceLifecycle

/// The daemon's HTTP server on `server.listen`: `/healthz`, `/readyz` and
/// `/metrics`, and with their tokens the ingest and admin endpoints
/// (runtime.md, "Server").
public struct ControlServer: Sendable {
    public let listening = PortAnnouncer()
    let host: String
    let port: Int
    let registry: PrometheusCollectorRegistry
    let readiness: @Sendable () async -> Readiness
    let logger: Logger
    let api: ServerAPI
    /// The agent routes, when `server.agent_secret` is set.
    public var agentRoutes: AgentRoutes?

    public init(
        host: String, port: Int, registry: PrometheusCollectorRegistry, logger: Logger, api: ServerAPI = ServerAPI(),
        readiness: @escaping @Sendable () async -> Readiness
    ) {
        self.api = api
        self.host = host
        self.port = port
        self.registry = registry
        self.readiness = readiness
        self.logger = logger
    }

    /// The server, to run in the service group.
    public func application() -> some Service {
        LoopbackServer.application(
            router: router(), host: host, port: port, name: "callhook", announcer: listening, logger: logger)
    }

    /// The routes, without a socket (the route tests drive them in process).
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("healthz") { _, _ in
            Self.json(.ok, #"{"status":"ok"}"#)
        }
        router.get("readyz") { [readiness] _, _ in
            let r = await readiness()
            if r.isReady { return Self.json(.ok, #"{"status":"ready"}"#) }
            let body = ["status": "not ready", "reasons": r.reasons] as [String: Any]
            let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
            return Self.json(.serviceUnavailable, String(decoding: data, as: UTF8.self))
        }
        router.get("metrics") { [registry] _, _ in
            var buffer: [UInt8] = []
            buffer.reserveCapacity(16 * 1024)
            registry.emit(into: &buffer)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: buffer)))
        }
        IngestRoutes.add(to: router, api: api, registry: registry)
        AdminRoutes.add(to: router, api: api)
        agentRoutes?.add(to: router)
        return router
    }

    static func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
