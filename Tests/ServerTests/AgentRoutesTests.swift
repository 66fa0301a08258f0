import Agents
import Calls
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import Server
import Testing

/// `GET /v1/agents/events` and `GET /agent` in process (Hummingbird's router
/// test client): tokens, scope, the page and its CSP, 404 without a secret.
@Suite("agent routes")
struct AgentRoutesTests {
    static let secret = "test-agent-secret-0123456789"
    static let now = EventTime(nanoseconds: 1_800_000_000 * 1_000_000_000)
    let hub = AgentHub(logger: Logger(label: "test"))

    func app(secret: String? = Self.secret) -> some ApplicationProtocol {
        var server = ControlServer(host: "127.0.0.1", port: 0, registry: .init(), logger: Logger(label: "test")) {
            Readiness(reasons: [])
        }
        if let secret {
            server.agentRoutes = AgentRoutes(
                hub: hub, secret: secret,
                clock: PipelineClock(monotonicNanoseconds: { 0 }, wallTime: { Self.now }, random: { 0.5 }),
                logger: Logger(label: "test"))
        }
        return Application(router: server.router())
    }

    func token(_ extensions: [String], customer: String? = nil, secret: String = Self.secret, ttl: Duration = .seconds(3600))
        throws -> String
    {
        try AgentToken.issue(customer: customer, extensions: extensions, ttl: ttl, now: Self.now, secret: secret)
    }

    static func ring(_ call: String, ext: String, customer: String = "K1234") -> AgentEvent {
        .ring(
            call: call, customer: customer, extension: ext, direction: .inbound,
            remote: .init(number: "+498912345678", name: "Anna Alt", className: "vip"), ringtone: "vip")
    }

    /// Ends every stream once `count` agents are connected, so the router
    /// client (which reads whole bodies) gets what was written.
    func shutDownWhenConnected(_ count: Int) -> Task<Void, Never> {
        Task { [hub] in
            while hub.statistics.connected < count { try? await Task.sleep(for: .milliseconds(5)) }
            hub.shutdown()
        }
    }

    @Test func refusesMissingMalformedForgedAndExpiredTokens() async throws {
        let forged = try token(["100"], secret: "another-secret")
        let expired = try AgentToken(customer: nil, extensions: ["100"], expires: Self.now + .seconds(-1))
            .signed(secret: Self.secret)
        try await app().test(.router) { client in
            for (uri, headers) in [
                ("/v1/agents/events", HTTPFields()),
                ("/v1/agents/events?access_token=cha1.bogus", HTTPFields()),
                ("/v1/agents/events", [.authorization: "Bearer \(forged)"]),
                ("/v1/agents/events?access_token=\(expired)", HTTPFields()),
            ] as [(String, HTTPFields)] {
                let response = try await client.execute(uri: uri, method: .get, headers: headers)
                #expect(response.status == .unauthorized, "\(uri)")
                #expect(String(buffer: response.body).hasPrefix(#"{"error":""#))
                #expect(!String(buffer: response.body).contains(forged))
            }
        }
        #expect(hub.statistics.connected == 0)
    }

    @Test func streamsTheRingsOfTheTokensExtensionsOnly() async throws {
        hub.publish(Self.ring("call-a", ext: "100"))
        hub.publish(Self.ring("call-b", ext: "101"))
        hub.publish(Self.ring("call-c", ext: "100", customer: "K9999"))
        let bearer = try token(["100"], customer: "K1234")
        let ending = shutDownWhenConnected(1)
        try await app().test(.router) { client in
            let response = try await client.execute(
                uri: "/v1/agents/events", method: .get, headers: [.authorization: "Bearer \(bearer)"])
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/event-stream")
            #expect(response.headers[.cacheControl] == "no-cache")
            let text = String(buffer: response.body)
            #expect(text.hasPrefix("retry: 3000\n\n"))
            #expect(text.contains("event: ring\n"))
            #expect(text.contains(#""call":"call-a""#))
            #expect(!text.contains("call-b"))
            #expect(!text.contains("call-c"))
        }
        await ending.value
    }

    @Test func acceptsTheTokenInTheQuery() async throws {
        hub.publish(Self.ring("call-q", ext: "100"))
        let query = try token(["100"])
        let ending = shutDownWhenConnected(1)
        try await app().test(.router) { client in
            let response = try await client.execute(uri: "/v1/agents/events?access_token=\(query)", method: .get)
            #expect(response.status == .ok)
            #expect(String(buffer: response.body).contains("call-q"))
        }
        await ending.value
    }

    @Test func servesThePageWithItsContentSecurityPolicy() async throws {
        try await app().test(.router) { client in
            let response = try await client.execute(uri: "/agent", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == AgentPage.contentType)
            #expect(response.headers[.contentSecurityPolicy] == AgentPage.contentSecurityPolicy)
            #expect(String(buffer: response.body) == AgentPage.html)
        }
    }

    @Test func answers404WithoutASecret() async throws {
        let bearer = try token(["100"])
        try await app(secret: nil).test(.router) { client in
            #expect(try await client.execute(uri: "/agent", method: .get).status == .notFound)
            let events = try await client.execute(
                uri: "/v1/agents/events", method: .get, headers: [.authorization: "Bearer \(bearer)"])
            #expect(events.status == .notFound)
        }
    }
}
