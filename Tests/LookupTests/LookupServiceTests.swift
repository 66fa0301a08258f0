import Calls
import Curl
import MetricsTestKit
import Testing

@testable import Lookup

@Suite struct LookupServiceTests {
    static let gold = #"[{"Name": "Alexa Holiday", "Id": "C-17", "CustomData": {"Tier": "Gold"}}, {"Name": "Other"}]"#
    static let number = LookupNumber(e164: "+4178907228", digits: "4178907228", national: "078907228")

    /// The default deadline of these tests never passes: a test that wants
    /// a timeout passes `sleep: { _ in }`, so no outcome depends on scheduling.
    static let never: LookupService.Sleep = { _ in try await Task.sleep(for: .seconds(3_600)) }

    func service(
        _ fake: FakeFetch, _ settings: LookupSettings = LookupSettings(url: "https://lookup.example/phone"),
        clock: ManualClock = ManualClock(), metrics: TestMetrics = TestMetrics(),
        sleep: @escaping LookupService.Sleep = Self.never
    ) -> LookupService {
        LookupService(settings: settings, clock: clock.clock, metricsFactory: metrics, sleep: sleep, fetch: fake.fetch)
    }

    @Test func requestCarriesTheNumberInItsFormatAndTheHeaders() async throws {
        let fake = FakeFetch(body: "[]")
        var settings = LookupSettings(
            url: "https://lookup.example/phone?tenant=K1", headers: [("X-Execution-Token", "tok-1")],
            numberFormat: .e164)
        let s = service(fake, settings)
        _ = await s.lookup(Self.number)
        settings.numberFormat = .national
        settings.url = "https://lookup.example/phone"
        s.update(settings)
        _ = await s.lookup(Self.number)
        let requests = fake.requests
        try #require(requests.count == 2)
        #expect(requests[0].method == "GET")
        #expect(requests[0].url == "https://lookup.example/phone?tenant=K1&PhoneNumber=%2B4178907228")
        #expect(requests[0].header("X-Execution-Token") == "tok-1")
        #expect(requests[0].maxResponseBytes == Contact.maxAnswerBytes)
        #expect(requests[1].url == "https://lookup.example/phone?PhoneNumber=078907228")
    }

    @Test func foundIsCachedForTheCacheDuration() async throws {
        let fake = FakeFetch(body: Self.gold)
        let clock = ManualClock()
        let metrics = TestMetrics()
        let s = service(fake, LookupSettings(url: "https://l", cache: .seconds(60)), clock: clock, metrics: metrics)
        let first = await s.lookup(phoneNumber: "4178907228")
        guard case .found(let result) = first else {
            Issue.record("expected found, got \(first)")
            return
        }
        #expect(result.contact.crmID == "C-17")
        #expect(result.contact.custom["Tier"] == "Gold")
        #expect(result.count == 2)
        clock.advance(by: .seconds(59))
        #expect(await s.lookup(phoneNumber: "4178907228") == first)
        #expect(fake.count == 1)
        clock.advance(by: .seconds(1))
        #expect(await s.lookup(phoneNumber: "4178907228") == first)
        #expect(fake.count == 2)
        #expect(metrics.lookups("miss") == 2)
        #expect(metrics.lookups("hit") == 1)
        #expect(metrics.lookupDurations.count == 2)
    }

    @Test func notFoundIsCachedAndErrorsAreNot() async throws {
        let metrics = TestMetrics()
        let empty = FakeFetch(body: "[]")
        let s = service(empty, metrics: metrics)
        #expect(await s.lookup(phoneNumber: "1") == .notFound)
        #expect(await s.lookup(phoneNumber: "1") == .notFound)
        #expect(empty.count == 1)
        #expect(metrics.lookups("not_found") == 1)
        #expect(metrics.lookups("hit") == 1)

        let failing = FakeFetch(status: 500, body: "oops")
        let f = service(failing, metrics: metrics)
        #expect(await f.lookup(phoneNumber: "1") == .unavailable(.status(500)))
        #expect(await f.lookup(phoneNumber: "1") == .unavailable(.status(500)))
        #expect(failing.count == 2)
        #expect(metrics.lookups("error") == 2)
    }

    @Test func answersAndFailuresMapToOutcomes() async throws {
        func outcome(_ answer: @escaping @Sendable (HTTPRequest) throws -> HTTPResponse) async -> LookupOutcome {
            await service(FakeFetch(answer: answer)).lookup(phoneNumber: "1")
        }
        func respond(_ status: Int, _ body: String, truncated: Bool = false) -> @Sendable (HTTPRequest) -> HTTPResponse {
            { _ in HTTPResponse(status: status, headers: [], body: Array(body.utf8), bodyTruncated: truncated) }
        }
        #expect(await outcome(respond(404, "")) == .unavailable(.serviceNotFound))
        #expect(await outcome(respond(503, "[]")) == .unavailable(.status(503)))
        #expect(await outcome(respond(200, "garbage")) == .unavailable(.badAnswer(.invalidJSON)))
        #expect(await outcome(respond(200, "[", truncated: true)) == .unavailable(.badAnswer(.tooLarge(limit: 262_144))))
        #expect(
            await outcome { _ in throw HTTPClientError(kind: .connect, message: "127.0.0.1 port 9: refused") }
                == .unavailable(.transport("connect: 127.0.0.1 port 9: refused")))
        #expect(await outcome { _ in throw HTTPClientError(kind: .timeout, message: "t") } == .unavailable(.timeout))
        #expect(await outcome(respond(204, "[]")) == .notFound)
    }

    @Test func tenConcurrentLookupsOfOneNumberShareOneRequest() async throws {
        let fake = FakeFetch(hold: true, body: Self.gold)
        let metrics = TestMetrics()
        let s = service(fake, LookupSettings(url: "https://l", timeout: .seconds(30)), metrics: metrics)
        let outcomes = await withTaskGroup(of: LookupOutcome.self) { group in
            for _ in 0..<10 { group.addTask { await s.lookup(phoneNumber: "4178907228") } }
            try? await eventually { s.waiting(onPhoneNumber: "4178907228") == 10 }
            fake.release()
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.count == 10)
        #expect(outcomes.allSatisfy { $0.contact?.name == "Alexa Holiday" })
        #expect(fake.count == 1)
        #expect(metrics.lookups("miss") == 1)
        #expect(metrics.lookups("hit") == 9)
    }

    @Test func aSlowAnswerTimesOutButStillFillsTheCache() async throws {
        let fake = FakeFetch(hold: true, body: Self.gold)
        let metrics = TestMetrics()
        // The deadline passes at once: the request is held, so only the deadline can end the wait.
        let s = service(fake, metrics: metrics, sleep: { _ in })
        #expect(await s.lookup(phoneNumber: "1") == .unavailable(.timeout))
        #expect(metrics.lookups("timeout") == 1)
        #expect(s.cachedCount == 0)
        fake.release()
        try await eventually { s.cachedCount == 1 }
        #expect(await s.lookup(phoneNumber: "1").contact?.crmID == "C-17")
        #expect(fake.count == 1)
        #expect(metrics.lookups("hit") == 1)
    }

    @Test func aReloadThatChangesTheSettingsClearsTheCache() async throws {
        let fake = FakeFetch(body: "[]")
        let settings = LookupSettings(url: "https://l")
        let s = service(fake, settings)
        _ = await s.lookup(phoneNumber: "1")
        #expect(s.update(settings) == false)
        #expect(s.cachedCount == 1)
        var changed = settings
        changed.headers = [("X-Execution-Token", "new")]
        #expect(s.update(changed) == true)
        #expect(s.cachedCount == 0)
        _ = await s.lookup(phoneNumber: "1")
        #expect(fake.count == 2)
        #expect(fake.requests[1].header("X-Execution-Token") == "new")
    }

    @Test func aRequestStartedBeforeClearDoesNotFillTheCache() async throws {
        let fake = FakeFetch(hold: true, body: Self.gold)
        let s = service(fake, sleep: { _ in })
        #expect(await s.lookup(phoneNumber: "1") == .unavailable(.timeout))
        s.clear()
        fake.release()
        try await eventually { s.waiting(onPhoneNumber: "1") == 0 && fake.count == 1 }
        await s.shutdown()
        #expect(s.cachedCount == 0)
    }

    @Test func aCancelledCallerStopsWaitingAndShutdownEndsTheRequest() async throws {
        let fake = FakeFetch(hold: true, body: "[]")
        let s = service(fake, LookupSettings(url: "https://l", timeout: .seconds(60)))
        let caller = Task { await s.lookup(phoneNumber: "1") }
        try await eventually { s.waiting(onPhoneNumber: "1") == 1 }
        caller.cancel()
        #expect(await caller.value == .unavailable(.cancelled))
        fake.release()
        await s.shutdown()
    }

    @Test func percentEncodingKeepsOnlyUnreservedCharacters() {
        #expect(LookupService.percentEncoded("+41 78/9?&=") == "%2B41%2078%2F9%3F%26%3D")
        #expect(LookupService.percentEncoded("0041-78_9.~") == "0041-78_9.~")
    }
}
