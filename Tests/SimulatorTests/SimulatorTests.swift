import Calls
import Curl
import Feeds
import Foundation
import Logging
import Synchronization
import Testing

@testable import Simulator

/// Starts a simulator on a free port for one test and stops it after.
func withSimulator<T>(
    _ configure: (inout SimulatorOptions) -> Void = { _ in }, _ body: (String, HTTPClient) async throws -> T
) async throws -> T {
    var options = SimulatorOptions()
    options.port = 0
    configure(&options)
    var logger = Logger(label: "test")
    // Cancelling the server at the end of a test is not an error worth printing.
    logger.logLevel = .critical
    let sim = Simulator(options: options, logger: logger)
    let task = Task { try await sim.run() }
    let base = try await sim.baseURL()
    let client = HTTPClient()
    defer {
        client.shutdown()
        task.cancel()
    }
    return try await body(base, client)
}

func login(_ base: String, _ client: HTTPClient, user: String = "u", password: String = "p") async throws -> [String: String] {
    let r = try await client.execute(
        HTTPRequest(
            method: "POST", url: base + "/login", headers: [("Content-Type", "application/json")],
            body: Array(#"{"username":"\#(user)","password":"\#(password)"}"#.utf8)))
    guard r.status == 200 else { return [:] }
    return (try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: String]) ?? [:]
}

/// Reads call events from the calls stream until `until` says stop.
func readCalls(
    _ base: String, _ client: HTTPClient, token: String, until: ([CallEvent]) -> Bool
) async throws -> [CallEvent] {
    let stream = try await openCalls(base, client, token: token)
    return try await readCalls(stream, until: until)
}

/// Opens the calls stream; when it returns, the server has subscribed the client.
func openCalls(_ base: String, _ client: HTTPClient, token: String) async throws -> HTTPStream {
    let stream = try await client.stream(
        HTTPRequest(
            url: base + "/extensions/phone/calls",
            headers: [("Authorization", "Bearer \(token)"), ("Accept", "text/event-stream")], timeout: .seconds(60)))
    #expect(stream.head.status == 200)
    #expect(stream.head.header("content-type") == "text/event-stream")
    return stream
}

func readCalls(_ stream: HTTPStream, until: ([CallEvent]) -> Bool) async throws -> [CallEvent] {
    var parser = SSEParser()
    var events: [CallEvent] = []
    for try await chunk in stream {
        for case .event(let e) in parser.feed(chunk) {
            events.append(try JSONDecoder().decode(CallEvent.self, from: Data(e.data.utf8)))
        }
        if until(events) { break }
    }
    stream.cancel()
    return events
}

@Suite("simulator: the NFON CTI API surface")
struct SimulatorTests {
    @Test("login gives tokens; requests without a valid token get 401; refresh works")
    func auth() async throws {
        try await withSimulator({
            $0.username = "alice"; $0.password = "secret"
        }) { base, client in
            #expect(try await login(base, client, user: "alice", password: "wrong").isEmpty)
            let tokens = try await login(base, client, user: "alice", password: "secret")
            let access = try #require(tokens["access-token"])
            let refresh = try #require(tokens["refresh-token"])
            #expect(access.split(separator: ".").count == 3)
            let noAuth = try await client.execute(HTTPRequest(url: base + "/extensions/phone/data"))
            #expect(noAuth.status == 401)
            let withRefresh = try await client.execute(
                HTTPRequest(url: base + "/extensions/phone/data", headers: [("Authorization", "Bearer \(refresh)")]))
            #expect(withRefresh.status == 401)
            let renewed = try await client.execute(
                HTTPRequest(method: "PUT", url: base + "/login", headers: [("Authorization", "Bearer \(refresh)")]))
            #expect(renewed.status == 200)
            #expect(renewed.text.contains("access-token"))
            let reused = try await client.execute(
                HTTPRequest(method: "PUT", url: base + "/login", headers: [("Authorization", "Bearer \(refresh)")]))
            #expect(reused.status == 401, "a refresh token is single-use")
        }
    }

    @Test("extension data and the states snapshot")
    func data() async throws {
        try await withSimulator({ $0.traffic.extensions = 5 }) { base, client in
            let token = try #require(try await login(base, client)["access-token"])
            let auth = [("Authorization", "Bearer \(token)")]
            let data = try await client.execute(HTTPRequest(url: base + "/extensions/phone/data", headers: auth))
            let list = try #require(try JSONSerialization.jsonObject(with: Data(data.body)) as? [[String: String]])
            #expect(list.count == 5)
            #expect(list[0]["extension_number"] == "100")
            #expect(list[0]["uuid"] == "100@K1234")
            #expect(!(list[0]["name"] ?? "").isEmpty)
            let snapshot = try await client.execute(
                HTTPRequest(
                    url: base + "/extensions/phone/states?extension=101", headers: auth + [("Accept", "application/json")]))
            let states = try #require(try JSONSerialization.jsonObject(with: Data(snapshot.body)) as? [[String: String]])
            #expect(states.count == 1)
            #expect(states[0]["extension"] == "101")
            #expect(states[0]["line"] == "idle")
        }
    }

    @Test("the calls stream carries generated calls with NFON fields")
    func calls() async throws {
        try await withSimulator({
            $0.traffic.calls = 5; $0.speed = 500; $0.traffic.rate = 1
        }) { base, client in
            let token = try #require(try await login(base, client)["access-token"])
            let events = try await readCalls(base, client, token: token) { evs in
                Set(evs.filter { $0.state == "hangup" }.map { "\($0.uuid)/\($0.extension ?? "")" }).count
                    >= Set(evs.map { "\($0.uuid)/\($0.extension ?? "")" }).count && evs.count > 8
            }
            #expect(events.allSatisfy { $0.customer == "K1234" && $0.direction != nil && $0.extension != nil })
            #expect(events.allSatisfy { EventTime(rfc3339: $0.updated ?? "") != nil })
        }
    }

    @Test("an expired token closes its stream")
    func tokenExpiry() async throws {
        try await withSimulator({
            $0.tokenTTL = .seconds(2); $0.traffic.rate = 0.001
        }) { base, client in
            let token = try #require(try await login(base, client)["access-token"])
            let stream = try await client.stream(
                HTTPRequest(
                    url: base + "/extensions/phone/calls", headers: [("Authorization", "Bearer \(token)")], timeout: .seconds(20))
            )
            #expect(stream.head.status == 200)
            // The server ends the stream cleanly, long before the client's
            // own 20 s timeout would (that would throw here).
            let opened = ContinuousClock.now
            var failure: (any Error)?
            do {
                for try await _ in stream {}
            } catch {
                failure = error
            }
            #expect(failure == nil, "the stream ended with an error: \(String(describing: failure))")
            #expect(ContinuousClock.now - opened < .seconds(10))
            let again = try await client.execute(
                HTTPRequest(url: base + "/extensions/phone/data", headers: [("Authorization", "Bearer \(token)")]))
            #expect(again.status == 401)
        }
    }

    @Test("originate answers 202 with the start event; cancel ends the call")
    func originate() async throws {
        try await withSimulator({
            $0.traffic.rate = 0.0001; $0.speed = 1
        }) { base, client in
            let token = try #require(try await login(base, client)["access-token"])
            let auth = [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")]
            let stream = try await openCalls(base, client, token: token)
            let r = try await client.execute(
                HTTPRequest(
                    method: "POST", url: base + "/extensions/phone/calls", headers: auth,
                    body: Array(
                        #"{"caller":"102","caller_context":"K1234","callee":"49123456789","callee_context":"global","extension":"102"}"#
                            .utf8)))
            #expect(r.status == 202)
            let start = try JSONDecoder().decode(CallEvent.self, from: Data(r.body))
            #expect(start.state == "start")
            #expect(start.direction == .outbound)
            let cancel = try await client.execute(
                HTTPRequest(method: "DELETE", url: base + "/extensions/phone/calls/\(start.uuid)", headers: auth))
            #expect(cancel.status == 204)
            let again = try await client.execute(
                HTTPRequest(method: "DELETE", url: base + "/extensions/phone/calls/\(start.uuid)", headers: auth))
            #expect(again.status == 404)
            let events = try await readCalls(stream) { evs in evs.contains { $0.state == "hangup" } }
            #expect(events.last?.uuid == start.uuid)
            #expect(events.last?.error == "cancel")
        }
    }
}
