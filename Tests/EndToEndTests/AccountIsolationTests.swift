import Calls
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Several K-accounts in one daemon (issue 15, runtime.md "Several
/// K-accounts"): `callhook run` with two `[[source.nfon]]` accounts against
/// `callhook sim --tenants 2`, every request to a receiver on 127.0.0.1.
@Suite struct AccountIsolationTests {
    static func rules(_ url: String) -> String {
        """
        [target.crm]
        url = "\(url)"
        concurrency = 4

        [[rule]]
        name = "every-call"
        on = ["incoming", "outgoing", "ended"]
        [[rule.webhook]]
        target = "crm"
        path = "/{{customer}}/{{event}}"
        json = { call = "{{call.id}}", customer = "{{customer}}", rendered = "{{now}}" }
        """
    }

    /// Two `[[source.nfon]]` accounts; `second` adds lines to K1235's
    /// entry, `secondBase` points it elsewhere.
    static func config(base: String, secondBase: String? = nil, second: String = "") -> String {
        [("K1234", base, ""), ("K1235", secondBase ?? base, second)].map { account, url, extra in
            """
            [[source.nfon]]
            base_url = "\(url)"
            username = "\(account)"
            password = "not-a-real-password"
            account = "\(account)"
            line_states = false
            \(extra)

            """
        }.joined(separator: "\n")
    }

    /// `callhook sim --tenants 2` with tenant 2's logins refused; returns
    /// the simulator and its base URL.
    static func startSimulator(failing: String) async throws -> (CallhookProcess, String) {
        try await startSimulator(faults: ["--fail-login", "401:\(failing)"])
    }

    /// `callhook sim --tenants 2` with `faults` for tenant 2.
    static func startSimulator(faults: [String]) async throws -> (CallhookProcess, String) {
        let sim = try CallhookProcess(
            ["sim", "--listen", "127.0.0.1:0", "--tenants", "2", "--rate", "1/s", "--seed", "15", "--fault-tenant", "2"]
                + faults)
        try await sim.waitForOutput { _, err in err.contains("/v1 (") }
        let start = try #require(sim.stderr.range(of: "http://"))
        return (sim, String(sim.stderr[start.lowerBound...].prefix { $0 != " " }))
    }

    static func setup(receiver: String, base: String, secondBase: String? = nil, second: String = "") throws -> DaemonSetup {
        try DaemonSetup(
            rules: rules(receiver),
            config: "rules = \"rules\"\ndata = \"data\"\n\n[source]\nkind = \"nfon\"\n\n"
                + config(base: base, secondBase: secondBase, second: second))
    }

    /// On a terminal the live line shows each account's state.
    @Test func theLiveLineShowsEachAccount() async throws {
        let (sim, base) = try await Self.startSimulator(failing: "60s")
        defer { sim.signal(SIGKILL) }
        let setup = try Self.setup(receiver: "http://127.0.0.1:9", base: base)
        let run = "timeout -s INT 4 '\(callhookBinary)' run --config '\(setup.config)' --listen 127.0.0.1:0"
        let r = try await ChildProcess.run(["script", "-qec", run, "/dev/null"], mergeErrors: true)
        #expect(r.output.contains("▶ nfon:K1234 connected · nfon:K1235 login failed (401) · calls "), "\(r.output)")
    }

    /// The must-show of issue 15: both accounts deliver; then K1235's
    /// session is withdrawn (tokens revoked, streams closed) and every login
    /// and refresh of K1235 answers 401 for a minute. K1234's callbacks keep
    /// flowing throughout, K1235 processes no event meanwhile, `/metrics` and
    /// `/readyz` show both accounts, and K1235 recovers by itself once the
    /// minute is over.
    @Test func oneAccountsLoginFailureForAMinuteNeverStallsTheOther() async throws {
        let arrivals = Arrivals()
        let receiver = try await TestHTTPServer.start(threads: 2) { r in
            arrivals.record(r)
            return .json("{}")
        }
        defer { Task { await receiver.stop() } }
        // K1235's minute starts after its 30th call event.
        let (sim, base) = try await Self.startSimulator(faults: ["--fail-login", "401:60s", "--fail-login-after", "30"])
        defer { sim.signal(SIGKILL) }
        #expect(sim.stderr.contains("tenants K1234, K1235"))
        let setup = try Self.setup(receiver: receiver.base, base: base)
        let (daemon, port) = try await setup.startDaemon()
        defer { daemon.signal(SIGKILL) }

        @Sendable func count(_ customer: String) -> Int { arrivals.on("/\(customer)/").count }
        @Sendable func readyz() async throws -> String { try await httpGet(port, "/readyz").text }
        let failing = "nfon:K1235: login failed (401)"

        // Both accounts deliver before the failure.
        try await eventually(timeout: .seconds(30), "both accounts' first callbacks") {
            count("K1234") > 0 && count("K1235") > 0
        }
        try await eventually(timeout: .seconds(60), "K1235's login failure in /readyz") { try await readyz().contains(failing) }
        let seen = ContinuousClock.now
        let seenWall = WallClock.now()
        var lastFailingWall = seenWall

        // Throughout the failure, K1234 makes progress: each condition wait
        // needs 3 new K1234 callbacks, until /readyz no longer reports K1235.
        var steps = 0
        var metricsChecked = false
        while ContinuousClock.now - seen < .seconds(150) {
            let before = count("K1234")
            let asked = WallClock.now()
            let ready = try await readyz()
            guard ready.contains(failing) else { break }
            lastFailingWall = asked
            #expect(!ready.contains("nfon:K1234"))
            try await eventually(timeout: .seconds(10), "new K1234 callbacks during K1235's failure") {
                count("K1234") >= before + 3
            }
            steps += 1
            if !metricsChecked {
                let metrics = try await httpGet(port, "/metrics").text
                #expect(metricValue(metrics, #"callhook_source_connected{source="nfon:K1234"}"#) == 1)
                #expect(metricValue(metrics, #"callhook_source_connected{source="nfon:K1235"}"#) == 0)
                #expect(metricValue(metrics, #"callhook_source_errors_total{source="nfon:K1235",kind="login"}"#) ?? 0 >= 1)
                #expect(metricValue(metrics, #"callhook_source_errors_total{source="nfon:K1234",kind="login"}"#) == nil)
                metricsChecked = true
            }
        }
        let failedFor = ContinuousClock.now - seen

        // K1235 recovers by itself and its callbacks flow again.
        let beforeRecovery = count("K1235")
        try await eventually(timeout: .seconds(60), "K1235's callbacks after its login works again") {
            count("K1235") >= beforeRecovery + 5
        }
        try await eventually(timeout: .seconds(15), "/readyz 200 with both accounts connected") {
            try await httpGet(port, "/readyz").status == 200
        }
        let metrics = try await httpGet(port, "/metrics").text
        #expect(metricValue(metrics, #"callhook_source_connected{source="nfon:K1234"}"#) == 1)
        #expect(metricValue(metrics, #"callhook_source_connected{source="nfon:K1235"}"#) == 1)
        #expect(metricValue(metrics, #"callhook_source_reconnects_total{source="nfon:K1234"}"#) == 0)

        // No K1235 request was rendered while /readyz reported its failure.
        func rendered(_ e: Arrivals.Entry) -> Int64 {
            guard let o = try? JSONSerialization.jsonObject(with: Data(e.body.utf8)) as? [String: Any],
                let text = o["rendered"] as? String, let t = EventTime(rfc3339: text)
            else { return 0 }
            return t.nanoseconds
        }
        let during = arrivals.on("/K1235/").filter {
            (seenWall.nanoseconds...lastFailingWall.nanoseconds).contains(rendered($0))
        }
        #expect(during.isEmpty, "K1235 requests rendered during its failure: \(during.map(\.body))")

        // K1234's callbacks during the failure: the longest gap between two
        // of them, on the receiver's clock.
        let k1234 = arrivals.on("/K1234/").map(\.at).filter { $0 >= seen && $0 <= seen + failedFor }
        let longest = zip(k1234.dropFirst(), k1234).map { $0 - $1 }.max() ?? .zero
        print(
            "K1235 failed for \(failedFor) after it was seen; K1234 delivered \(k1234.count) callbacks in it "
                + "(\(steps) progress checks, longest gap \(longest)); K1235 delivered \(beforeRecovery) before and "
                + "\(count("K1235") - beforeRecovery) after recovery")
        #expect(failedFor >= .seconds(50))
        #expect(steps >= 5)
        #expect(longest < .seconds(10))
        // Each account's callbacks carry its own customer.
        for entry in arrivals.all {
            let customer = entry.path.split(separator: "/").first.map(String.init) ?? ""
            #expect(entry.body.contains(#""customer":"\#(customer)""#))
        }
        #expect(daemon.process.isRunning)
    }
}
