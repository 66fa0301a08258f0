import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import Server
import Synchronization
import Testing

/// The daemon's `/healthz`, `/readyz` and `/metrics`, driven in process
/// through Hummingbird's router test client: no socket, no spawned daemon.
@Suite("control server routes")
struct ControlServerRouteTests {
    /// A server whose readiness answers with `reasons`; `registry` holds what
    /// `/metrics` exports.
    func app(reasons: [String], registry: PrometheusCollectorRegistry = .init()) -> some ApplicationProtocol {
        let server = ControlServer(
            host: "127.0.0.1", port: 0, registry: registry, logger: Logger(label: "test")
        ) { Readiness(reasons: reasons) }
        return Application(router: server.router())
    }

    func json(_ body: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])
    }

    @Test func healthzAnswersOKEvenWhenNotReady() async throws {
        try await app(reasons: ["the delivery queue is not writable"]).test(.router) { client in
            let response = try await client.execute(uri: "/healthz", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            #expect(try json(response.body)["status"] as? String == "ok")
        }
    }

    @Test func readyzAnswers200WhenNothingIsMissing() async throws {
        try await app(reasons: []).test(.router) { client in
            let response = try await client.execute(uri: "/readyz", method: .get)
            #expect(response.status == .ok)
            #expect(try json(response.body)["status"] as? String == "ready")
        }
    }

    @Test func readyzAnswers503WithEveryReasonWhenNotReady() async throws {
        let reasons = ["the delivery queue is not writable", "the nfon source is not connected"]
        try await app(reasons: reasons).test(.router) { client in
            let response = try await client.execute(uri: "/readyz", method: .get)
            #expect(response.status == .serviceUnavailable)
            #expect(response.headers[.contentType] == "application/json")
            let body = try json(response.body)
            #expect(body["status"] as? String == "not ready")
            #expect(body["reasons"] as? [String] == reasons)
        }
    }

    @Test func readyzAsksForReadinessOnEveryRequest() async throws {
        let calls = Atomic<Int>(0)
        let server = ControlServer(
            host: "127.0.0.1", port: 0, registry: PrometheusCollectorRegistry(), logger: Logger(label: "test")
        ) {
            let n = calls.add(1, ordering: .relaxed).newValue
            return Readiness(reasons: n == 1 ? ["the simulator source is not connected"] : [])
        }
        try await Application(router: server.router()).test(.router) { client in
            let first = try await client.execute(uri: "/readyz", method: .get)
            let second = try await client.execute(uri: "/readyz", method: .get)
            #expect(first.status == .serviceUnavailable)
            #expect(second.status == .ok, "a readiness that recovers is not cached as not ready")
        }
    }

    @Test func metricsExportsTheRegistryInPrometheusTextFormat() async throws {
        let registry = PrometheusCollectorRegistry()
        registry.makeCounter(
            descriptor: MetricNameDescriptor(metricName: "callhook_events", unitName: "total", helpText: "events"),
            labels: [("source", "simulator")]
        ).increment(by: Int64(3))
        try await app(reasons: [], registry: registry).test(.router) { client in
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            let text = String(buffer: response.body)
            #expect(text.contains("# TYPE callhook_events_total counter"))
            #expect(text.contains(#"callhook_events_total{source="simulator"} 3"#))
        }
    }

    @Test func anUnknownPathIsNotFound() async throws {
        try await app(reasons: []).test(.router) { client in
            let response = try await client.execute(uri: "/admin", method: .get)
            #expect(response.status == .notFound)
        }
    }
}
