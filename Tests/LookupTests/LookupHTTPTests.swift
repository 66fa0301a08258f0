import Curl
import MetricsTestKit
import TestSupport
import Testing

@testable import Lookup

/// The real path: libcurl against a local phone lookup service.
@Suite struct LookupHTTPTests {
    static let pascal = """
        [{"Name": "Alexa Holiday", "Company": "White Cross Co", "ContactUri": "https://crm/c/17",
          "CompanyUri": "https://crm/o/4", "Id": "C-17", "CrmName": "Sugar CRM", "CrmLogo": "https://crm/logo.png",
          "CustomData": {"Tier": "Gold"}}]
        """
    static let camel = """
        [{"name": "Carla Camel", "company": "Camel AG", "id": "C-9", "customFields": [{"key": "Tier", "value": "Silver"}]}]
        """

    /// A service answering by the number asked for.
    static func start(_ answers: @escaping @Sendable (String) -> CannedResponse) async throws -> TestHTTPServer {
        try await TestHTTPServer.start { request in
            let number = request.uri.split(separator: "PhoneNumber=").last.map(String.init) ?? ""
            return answers(number)
        }
    }

    static func answers(_ number: String) -> CannedResponse {
        switch number {
        case "411": .json(pascal)
        case "412": .json(camel)
        case "413": .json("[]")
        case "414": .json("", status: 404)
        case "415": .json(#"{"error": "boom"}"#, status: 500)
        case "416": .text("<html>not json</html>")
        case "417": CannedResponse(hang: true)
        default: .json("[]")
        }
    }

    @Test func answersOfTheRealServiceBecomeOutcomes() async throws {
        let server = try await Self.start(Self.answers)
        let client = HTTPClient()
        let metrics = TestMetrics()
        let settings = LookupSettings(
            url: server.base + "/phone-lookup", headers: [("X-Execution-Token", "secret-token")], timeout: .seconds(120))
        let s = LookupService(settings: settings, client: client, metricsFactory: metrics)

        let pascal = await s.lookup(phoneNumber: "411").contact
        #expect(pascal?.name == "Alexa Holiday")
        #expect(pascal?.company == "White Cross Co")
        #expect(pascal?.crmID == "C-17")
        #expect(pascal?.crmName == "Sugar CRM")
        #expect(pascal?.custom == ["Tier": "Gold"])
        let camel = await s.lookup(phoneNumber: "412").contact
        #expect(camel?.name == "Carla Camel")
        #expect(camel?.custom == ["Tier": "Silver"])
        #expect(await s.lookup(phoneNumber: "413") == .notFound)
        #expect(await s.lookup(phoneNumber: "414") == .unavailable(.serviceNotFound))
        #expect(await s.lookup(phoneNumber: "415") == .unavailable(.status(500)))
        #expect(await s.lookup(phoneNumber: "416") == .unavailable(.badAnswer(.invalidJSON)))

        let first = try #require(server.requests.first)
        #expect(first.method == "GET")
        #expect(first.uri == "/phone-lookup?PhoneNumber=411")
        #expect(first.header("X-Execution-Token") == "secret-token")
        #expect(metrics.lookups("miss") == 2)
        #expect(metrics.lookups("not_found") == 1)
        #expect(metrics.lookups("error") == 3)
        await s.shutdown()
        client.shutdown()
        await server.stop()
    }

    /// The service never answers; the request may run 60 s. The caller gets
    /// "timeout" after `timeout`: only the deadline can end its wait. (The
    /// upper bound is loose because the whole test suite, run in parallel,
    /// can stall the cooperative thread pool for seconds; alone this returns
    /// in about 300 ms.)
    @Test func aSlowServiceCostsTheCallerOnlyTheTimeout() async throws {
        let server = try await Self.start(Self.answers)
        let client = HTTPClient()
        let metrics = TestMetrics()
        let s = LookupService(
            settings: LookupSettings(url: server.base + "/l", timeout: .milliseconds(300), requestTimeout: .seconds(60)),
            client: client, metricsFactory: metrics)
        let started = ContinuousClock.now
        let outcome = await s.lookup(phoneNumber: "417")
        let waited = ContinuousClock.now - started
        #expect(outcome == .unavailable(.timeout))
        #expect(waited >= .milliseconds(300))
        #expect(waited < .seconds(30))
        #expect(metrics.lookups("timeout") == 1)
        // The request goes on (a late answer would fill the cache); shutdown cancels it.
        #expect(s.waiting(onPhoneNumber: "417") == 0)
        try await server.wait(timeout: .seconds(60)) { $0.requests.count == 1 }
        await s.shutdown()
        client.shutdown()
        await server.stop()
    }

    /// The request goes through libcurl to the server only once all ten
    /// callers wait for it, so the count does not depend on timing.
    @Test func tenConcurrentLookupsMakeOneRequestAndACachedNumberNone() async throws {
        let server = try await Self.start { _ in .json(Self.pascal) }
        let client = HTTPClient()
        let metrics = TestMetrics()
        let gate = FakeFetch(hold: true, body: "")
        let s = LookupService(
            settings: LookupSettings(url: server.base + "/l", timeout: .seconds(120)), metricsFactory: metrics,
            fetch: { request in
                _ = try await gate.fetch(request)
                return try await client.execute(request)
            })
        let outcomes = await withTaskGroup(of: LookupOutcome.self) { group in
            for _ in 0..<10 { group.addTask { await s.lookup(phoneNumber: "+41789") } }
            try? await eventually { s.waiting(onPhoneNumber: "+41789") == 10 }
            gate.release()
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.count == 10)
        #expect(outcomes.allSatisfy { $0.contact?.crmID == "C-17" })
        #expect(server.requests.count == 1)
        #expect(server.requests.first?.uri == "/l?PhoneNumber=%2B41789")
        #expect(await s.lookup(phoneNumber: "+41789").contact?.crmID == "C-17")
        #expect(server.requests.count == 1)
        #expect(metrics.lookups("miss") == 1)
        #expect(metrics.lookups("hit") == 10)
        await s.shutdown()
        client.shutdown()
        await server.stop()
    }
}
