import Curl
import Foundation
import Synchronization
import TestSupport
import Testing

/// The admin API and the token rules of every protected endpoint, against
/// the real binary (runtime.md, "Server").
@Suite struct AdminEndToEndTests {
    /// Every protected endpoint: method, path, which token.
    static let protected: [(String, String, Bool)] = [
        ("POST", "/v1/events", false), ("POST", "/v1/ingest/sipgate", false), ("GET", "/v1/deliveries", true),
        ("GET", "/v1/deliveries/some-id", true), ("POST", "/v1/deliveries/some-id/retry", true),
        ("POST", "/v1/deliveries/retry?status=dead", true), ("POST", "/v1/rules/reload", true), ("GET", "/v1/calls", true),
    ]

    @Test func withoutTokensProtectedEndpointsAre404() async throws {
        let setup = try DaemonSetup(
            rules: IngestSetup.rules(sink: "http://127.0.0.1:9"), config: IngestSetup.config(tokens: false))
        let (daemon, port) = try await setup.startDaemon()
        defer { withExtendedLifetime((setup, daemon)) {} }
        for (method, path, _) in Self.protected {
            let r = try await httpCall(port, method, path, token: "anything")
            #expect(r.status == 404, "\(method) \(path)")
        }
        #expect(try await httpGet(port, "/healthz").status == 200)
    }

    @Test func aMissingOrWrongTokenIs401WithBearerChallenge() async throws {
        let setup = try DaemonSetup(rules: IngestSetup.rules(sink: "http://127.0.0.1:9"), config: IngestSetup.config())
        let (daemon, port) = try await setup.startDaemon()
        defer { withExtendedLifetime((setup, daemon)) {} }
        for (method, path, admin) in Self.protected {
            for token in [nil, "wrong-token", admin ? IngestSetup.ingestToken : IngestSetup.adminToken] {
                let r = try await httpCall(port, method, path, token: token)
                #expect(r.status == 401, "\(method) \(path) with \(token ?? "no token")")
                #expect(r.headers.first { $0.name.lowercased() == "www-authenticate" }?.value == "Bearer")
            }
        }
        // `?token=` is for the sipgate.io adapter only.
        let query = try await httpCall(port, "POST", "/v1/events?token=\(IngestSetup.ingestToken)", body: Array("{}".utf8))
        #expect(query.status == 401)
        let wrongQuery = try await httpCall(port, "POST", "/v1/ingest/sipgate?token=nope", body: Array("event=x".utf8))
        #expect(wrongQuery.status == 401)
        #expect(!daemon.stderr.contains(IngestSetup.ingestToken))
        #expect(!(try await httpGet(port, "/metrics").text.contains(IngestSetup.ingestToken)))
    }

    @Test func deadDeliveriesAreListedShownAndRetried() async throws {
        let fail = Atomic<Bool>(true)
        let arrivals = Arrivals()
        let sink = try await TestHTTPServer.start { r in
            arrivals.record(r)
            return fail.load(ordering: .relaxed) ? .text("gone for now", status: 410) : .json("{}")
        }
        defer { Task { await sink.stop() } }
        let setup = try DaemonSetup(rules: IngestSetup.rules(sink: sink.base), config: IngestSetup.config())
        let (daemon, port) = try await setup.startDaemon()
        defer { withExtendedLifetime((setup, daemon)) {} }
        let call = Script.uuid(41)
        #expect(try await ingest(port, Script.call(call, "ring", at: 0)).status == 202)
        let admin = IngestSetup.adminToken
        try await eventually("a dead delivery") {
            let r = try await httpCall(port, "GET", "/v1/deliveries?status=dead&limit=10", token: admin)
            return (jsonObject(r)["deliveries"] as? [Any])?.count == 1
        }
        let listed = try await httpCall(port, "GET", "/v1/deliveries?status=dead&limit=10", token: admin)
        let dead = jsonObject(listed)["deliveries"] as? [[String: Any]] ?? []
        try #require(dead.count == 1)
        let id = try #require(dead[0]["id"] as? String)
        #expect(dead[0]["call_id"] as? String == call)
        #expect(dead[0]["target"] as? String == "sink")

        let one = try await httpCall(port, "GET", "/v1/deliveries/\(id)", token: admin)
        #expect(one.status == 200)
        let detail = jsonObject(one)
        let history = detail["attempt_history"] as? [[String: Any]] ?? []
        #expect(history.count == 1)
        #expect(history.first?["status"] as? Int == 410)
        #expect(history.first?["response"] as? String == "gone for now")
        #expect(!one.text.contains("sink-secret-value"))
        let missing = try await httpCall(port, "GET", "/v1/deliveries/no-such-id", token: admin)
        #expect(missing.status == 404)
        #expect(jsonObject(missing)["error"] != nil)

        // Paging: a cursor past the only delivery gives an empty page.
        let page = try await httpCall(port, "GET", "/v1/deliveries?limit=1", token: admin)
        let cursor = try #require(jsonObject(page)["next_cursor"] as? String)
        let next = try await httpCall(port, "GET", "/v1/deliveries?limit=1&cursor=\(cursor)", token: admin)
        #expect((jsonObject(next)["deliveries"] as? [Any])?.isEmpty == true)
        #expect(try await httpCall(port, "GET", "/v1/deliveries?cursor=%21%21", token: admin).status == 400)
        #expect(try await httpCall(port, "GET", "/v1/deliveries?status=lost", token: admin).status == 400)

        fail.store(false, ordering: .relaxed)
        #expect(try await httpCall(port, "POST", "/v1/deliveries/retry", token: admin).status == 400)
        let other = try await httpCall(port, "POST", "/v1/deliveries/retry?status=dead&target=other", token: admin)
        #expect(jsonObject(other)["retried"] as? Int == 0)
        let retried = try await httpCall(port, "POST", "/v1/deliveries/retry?status=dead&target=sink", token: admin)
        #expect(jsonObject(retried)["retried"] as? Int == 1)
        try await eventually("delivered after the retry") {
            let r = try await httpCall(port, "GET", "/v1/deliveries/\(id)", token: admin)
            return jsonObject(r)["status"] as? String == "delivered"
        }
        #expect(try await httpCall(port, "POST", "/v1/deliveries/\(id)/retry", token: admin).status == 200)
        #expect(try await httpCall(port, "POST", "/v1/deliveries/no-such-id/retry", token: admin).status == 404)
    }

    @Test func activeCallsShowClassAndPhase() async throws {
        let sink = try await TestHTTPServer.start { _ in .json("{}") }
        defer { Task { await sink.stop() } }
        let setup = try DaemonSetup(rules: IngestSetup.rules(sink: sink.base), config: IngestSetup.config())
        let (daemon, port) = try await setup.startDaemon()
        defer { withExtendedLifetime((setup, daemon)) {} }
        let a = Script.uuid(51)
        let b = Script.uuid(52)
        // No `updated`: arrival time, so the tracker's clean-up of silent legs keeps them.
        func now(_ line: String) -> String {
            line.replacingOccurrences(of: #","updated":"[^"]*""#, with: "", options: .regularExpression)
        }
        let events = [Script.call(a, "ring", at: 0), Script.call(b, "ring", at: 0), Script.call(b, "answer", at: 500)].map(now)
        #expect(try await ingest(port, "[" + events.joined(separator: ",") + "]").status == 202)
        let r = try await httpCall(port, "GET", "/v1/calls", token: IngestSetup.adminToken)
        #expect(r.status == 200)
        let calls = jsonObject(r)["calls"] as? [[String: Any]] ?? []
        #expect(calls.count == 2)
        let phases = Dictionary(uniqueKeysWithValues: calls.map { ($0["uuid"] as? String ?? "", $0["phase"] as? String ?? "") })
        #expect(phases == [a: "incoming", b: "answered"])
        #expect(calls.allSatisfy { ($0["class"] as? String)?.isEmpty == false })
        #expect(try await ingest(port, now(Script.call(a, "hangup", at: 900))).status == 202)
        let after = try await httpCall(port, "GET", "/v1/calls", token: IngestSetup.adminToken)
        #expect((jsonObject(after)["calls"] as? [[String: Any]])?.map { $0["uuid"] as? String } == [b])
    }

    @Test func aBrokenRuleSetIs422AndTheOldRulesStillFire() async throws {
        let arrivals = Arrivals()
        let sink = try await TestHTTPServer.start { r in
            arrivals.record(r)
            return .json("{}")
        }
        defer { Task { await sink.stop() } }
        let setup = try DaemonSetup(rules: IngestSetup.rules(sink: sink.base), config: IngestSetup.config())
        let (daemon, port) = try await setup.startDaemon()
        defer { withExtendedLifetime((setup, daemon)) {} }
        let ok = try await httpCall(port, "POST", "/v1/rules/reload", token: IngestSetup.adminToken)
        #expect(ok.status == 200)
        #expect((jsonObject(ok)["rules"] as? [String])?.contains("on-incoming") == true)

        try "[[rule]]\nname = \"broken\"\non = [\"ringing\"]\n".write(
            toFile: setup.rules + "/zz-broken.toml", atomically: true, encoding: .utf8)
        let r = try await httpCall(port, "POST", "/v1/rules/reload", token: IngestSetup.adminToken)
        #expect(r.status == 422)
        let problems = jsonObject(r)["problems"] as? [String] ?? []
        #expect(!problems.isEmpty)
        #expect(problems.allSatisfy { $0.contains("zz-broken.toml:") && $0.contains(": error: ") })
        #expect(jsonObject(r)["error"] != nil)

        #expect(try await ingest(port, Script.call(Script.uuid(61), "ring", at: 0)).status == 202)
        try await eventually("the old rule fires") { arrivals.on("/incoming").count == 1 }
    }
}
