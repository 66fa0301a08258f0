import Foundation
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Arrival times and bodies of requests, recorded by a receiver's handler.
final class Arrivals: Sendable {
    struct Entry: Sendable {
        var at: ContinuousClock.Instant
        var path: String
        var key: String
        var attempt: Int
        var body: String
        var headers: [String: String]
    }
    private let entries = Mutex<[Entry]>([])

    func record(_ r: ReceivedRequest) {
        var headers: [String: String] = [:]
        for h in r.headers { headers[h.name.lowercased()] = h.value }
        entries.withLock {
            $0.append(
                Entry(
                    at: .now, path: r.uri, key: r.header("Idempotency-Key") ?? "",
                    attempt: Int(r.header("X-Callhook-Attempt") ?? "") ?? 0, body: r.text, headers: headers))
        }
    }

    var all: [Entry] { entries.withLock { $0 } }
    func on(_ prefix: String) -> [Entry] { all.filter { $0.path.hasPrefix(prefix) } }
}

/// The value of `"call"` in a JSON body.
func callField(_ body: String) -> String {
    guard let o = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else { return "" }
    return o["call"] as? String ?? ""
}

@Suite struct DeliveryEndToEndTests {
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    /// `callhook run` with `kind = "nfon"` against the simulator: every phase
    /// of three calls reaches the receiver, signed, in order per call, with
    /// the ticket id captured from the first response filled into the later
    /// requests.
    @Test func simulatedCallsBecomeSignedOrderedCallbacks() async throws {
        let arrivals = Arrivals()
        let receiver = try await TestHTTPServer.start { r in
            arrivals.record(r)
            return .json(#"{"id":"T-\#(callField(r.text).suffix(4))"}"#)
        }
        defer { Task { await receiver.stop() } }
        var lines: [String] = []
        for c in 1...3 {
            let u = Script.uuid(c)
            lines += [
                Script.call(u, "ring", at: c * 50), Script.call(u, "answer", at: c * 50 + 300),
                Script.call(u, "hangup", at: c * 50 + 600),
            ]
        }
        let rules = """
            [target.crm]
            url = "\(receiver.base)"
            signing_secret = "\(Self.secret)"

            [[rule]]
            name = "open-ticket"
            on = ["incoming"]
            [[rule.webhook]]
            target = "crm"
            path = "/tickets"
            json = { event = "{{event}}", call = "{{call.id}}" }
            capture = { ticket = "id" }

            [[rule]]
            name = "update-ticket"
            on = ["answered", "ended"]
            [[rule.webhook]]
            target = "crm"
            path = "/tickets/{{call.vars.ticket}}"
            json = { event = "{{event}}", call = "{{call.id}}", ticket = "{{call.vars.ticket}}" }
            """
        let setup = try DaemonSetup(rules: rules)
        let (sim, daemon, port) = try await setup.startAgainstSimulator(lines)
        defer {
            sim.signal(SIGKILL)
            daemon.signal(SIGKILL)
        }

        try await receiver.wait(timeout: .seconds(30)) { $0.requests.count >= 9 }
        let got = arrivals.all
        #expect(got.count == 9)
        #expect(Set(got.map(\.key)).count == 9)
        for e in got {
            #expect(e.headers["user-agent"] == "callhook/0.1.0")
            #expect(e.attempt == 1)
            #expect(e.headers["webhook-id"] == e.key)
            #expect(e.headers["webhook-signature"]?.hasPrefix("v1,") == true)
        }
        for c in 1...3 {
            let u = Script.uuid(c)
            let events = got.filter { callField($0.body) == u }
            let ticket = "T-\(u.suffix(4))"
            #expect(events.map(\.path) == ["/tickets", "/tickets/\(ticket)", "/tickets/\(ticket)"])
            #expect(events.dropFirst().allSatisfy { $0.body.contains(#""ticket":"\#(ticket)""#) })
        }

        // The reference library verifies every signature.
        let requests = got.map { e -> [String: Any] in
            ["body": e.body, "headers": e.headers.filter { $0.key.hasPrefix("webhook-") }]
        }
        let input = setup.dir.appendingPathComponent("signed.json")
        try JSONSerialization.data(withJSONObject: ["secret": Self.secret, "requests": requests]).write(to: input)
        let verify = try await ChildProcess.run([
            "python3", repositoryRoot.appendingPathComponent("Tests/EndToEndTests/verify_signatures.py").path, input.path,
        ])
        let text = verify.output
        print("standardwebhooks:\n\(text)")
        #expect(verify.status == 0)
        #expect(text.components(separatedBy: "verified").count - 1 == 9)

        // Health, readiness and metrics.
        #expect(try await httpGet(port, "/healthz").status == 200)
        #expect(try await httpGet(port, "/readyz").status == 200)
        let metrics = try await httpGet(port, "/metrics").text
        #expect(metrics.contains(#"callhook_deliveries_total{target="crm",outcome="delivered"} 9"#))
        #expect(metrics.contains(#"callhook_source_connected{source="nfon:K1234"} 1"#))
        #expect(metrics.contains(#"callhook_events_total{phase="incoming"} 3"#))
        #expect(metrics.contains(#"callhook_rule_matches_total{rule="update-ticket"} 6"#))
    }
}
