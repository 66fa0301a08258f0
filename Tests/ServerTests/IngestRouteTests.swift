import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import Synchronization
import Testing

@testable import Server

/// The ingest routes in process: token, body limit, metrics; the handler is
/// a recorder.
@Suite("ingest routes")
struct IngestRouteTests {
    final class Recorder: IngestAPI {
        let bodies = Mutex<[Int]>([])
        func events(body: [UInt8], contentType: String?) async -> APIAnswer {
            bodies.withLock { $0.append(body.count) }
            return .json(202, ["accepted": 1], events: 1)
        }
        func sipgate(body: [UInt8], contentType: String?, queryToken: String?, host: String?) async -> APIAnswer {
            APIAnswer(status: 200, contentType: "application/xml", body: queryToken ?? "header", events: 1)
        }
    }

    func app(_ recorder: Recorder, token: String? = "tok", registry: PrometheusCollectorRegistry = .init())
        -> some ApplicationProtocol
    {
        let server = ControlServer(
            host: "127.0.0.1", port: 0, registry: registry, logger: Logger(label: "test"),
            api: ServerAPI(ingest: recorder, ingestToken: token)
        ) { Readiness(reasons: []) }
        return Application(router: server.router())
    }

    @Test func aStreamedBodyOverTheLimitIsRefusedBeforeTheHandler() async throws {
        let recorder = Recorder()
        let registry = PrometheusCollectorRegistry()
        try await app(recorder, registry: registry).test(.router) { client in
            let over = ByteBuffer(repeating: UInt8(ascii: " "), count: IngestRoutes.bodyLimit + 1)
            let r = try await client.execute(
                uri: "/v1/events", method: .post, headers: [.authorization: "Bearer tok"], body: over)
            #expect(r.status == .contentTooLarge)
            let exact = ByteBuffer(repeating: UInt8(ascii: " "), count: IngestRoutes.bodyLimit)
            let ok = try await client.execute(
                uri: "/v1/events", method: .post, headers: [.authorization: "Bearer tok"], body: exact)
            #expect(ok.status == .accepted)
        }
        #expect(recorder.bodies.withLock { $0 } == [IngestRoutes.bodyLimit])
        var text: [UInt8] = []
        registry.emit(into: &text)
        let metrics = String(decoding: text, as: UTF8.self)
        #expect(metrics.contains(#"callhook_ingest_requests_total{endpoint="events",status="413"} 1"#))
        #expect(metrics.contains(#"callhook_ingest_events_total{endpoint="events"} 1"#))
    }

    @Test func tokensDecideBetween401And404() async throws {
        try await app(Recorder()).test(.router) { client in
            let missing = try await client.execute(uri: "/v1/events", method: .post)
            #expect(missing.status == .unauthorized)
            #expect(missing.headers[.wwwAuthenticate] == "Bearer")
            let query = try await client.execute(uri: "/v1/ingest/sipgate?token=tok", method: .post)
            #expect(query.status == .ok)
            #expect(String(buffer: query.body) == "tok")
            let header = try await client.execute(
                uri: "/v1/ingest/sipgate", method: .post, headers: [.authorization: "Bearer tok"])
            #expect(String(buffer: header.body) == "header")
        }
        try await app(Recorder(), token: nil).test(.router) { client in
            let events = try await client.execute(uri: "/v1/events", method: .post)
            #expect(events.status == .notFound)
            let sipgate = try await client.execute(uri: "/v1/ingest/sipgate?token=x", method: .post)
            #expect(sipgate.status == .notFound)
        }
    }
}
