import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// One account's silence or outage never stalls another (runtime.md,
/// "Several K-accounts"): `callhook run` with two `[[source.nfon]]`
/// accounts against `callhook sim --tenants 2`.
@Suite struct AccountFaultIsolationTests {
    /// K1235's first calls stream goes silent (no data, no keepalives) and
    /// its own `idle_timeout` of 1 s reconnects it; K1234 (90 s) never
    /// notices: its stream stays up and its callbacks keep coming.
    @Test func oneAccountsSilenceReconnectsOnlyThatAccount() async throws {
        let arrivals = Arrivals()
        let receiver = try await TestHTTPServer.start(threads: 2) { r in
            arrivals.record(r)
            return .json("{}")
        }
        defer { Task { await receiver.stop() } }
        let (sim, base) = try await AccountIsolationTests.startSimulator(faults: [
            "--silent-after", "2", "--keepalive", "200ms",
        ])
        defer { sim.signal(SIGKILL) }
        let setup = try AccountIsolationTests.setup(receiver: receiver.base, base: base, second: #"idle_timeout = "1s""#)
        let (daemon, port) = try await setup.startDaemon()
        defer { daemon.signal(SIGKILL) }

        let idle = #"callhook_source_errors_total{source="nfon:K1235",kind="idle"}"#
        try await eventually(timeout: .seconds(30), "K1235's silence counted") {
            metricValue(try await httpGet(port, "/metrics").text, idle) ?? 0 >= 1
        }
        // After the reconnect, both accounts deliver.
        let k1234 = arrivals.on("/K1234/").count
        let k1235 = arrivals.on("/K1235/").count
        try await eventually(timeout: .seconds(30), "both accounts deliver after K1235's reconnect") {
            arrivals.on("/K1234/").count > k1234 + 2 && arrivals.on("/K1235/").count > k1235 + 2
        }
        let metrics = try await httpGet(port, "/metrics").text
        #expect(metricValue(metrics, #"callhook_source_reconnects_total{source="nfon:K1234"}"#) == 0)
        #expect(metricValue(metrics, #"callhook_source_errors_total{source="nfon:K1234",kind="idle"}"#) == nil)
        #expect(metricValue(metrics, #"callhook_source_reconnects_total{source="nfon:K1235"}"#) ?? 0 >= 1)
    }

    /// K1235's CTI API cannot be reached at all (a closed port): K1234
    /// delivers, `/readyz` names K1235 and why, `/metrics` shows both.
    @Test func oneAccountsOutageLeavesTheOtherDelivering() async throws {
        let arrivals = Arrivals()
        let receiver = try await TestHTTPServer.start(threads: 2) { r in
            arrivals.record(r)
            return .json("{}")
        }
        defer { Task { await receiver.stop() } }
        let (sim, base) = try await AccountIsolationTests.startSimulator(faults: [])
        defer { sim.signal(SIGKILL) }
        let setup = try AccountIsolationTests.setup(
            receiver: receiver.base, base: base, secondBase: "http://127.0.0.1:9/v1")
        let (daemon, port) = try await setup.startDaemon()
        defer { daemon.signal(SIGKILL) }

        try await eventually(timeout: .seconds(30), "K1234 delivers while K1235 is unreachable") {
            arrivals.on("/K1234/").count >= 10
        }
        let ready = try await httpGet(port, "/readyz")
        #expect(ready.status == 503)
        #expect(ready.text.contains("nfon:K1235: cannot reach the CTI API"), "\(ready.text)")
        #expect(!ready.text.contains("nfon:K1234"))
        let metrics = try await httpGet(port, "/metrics").text
        #expect(metricValue(metrics, #"callhook_source_connected{source="nfon:K1234"}"#) == 1)
        #expect(metricValue(metrics, #"callhook_source_connected{source="nfon:K1235"}"#) == 0)
        #expect(metricValue(metrics, #"callhook_source_reconnects_total{source="nfon:K1235"}"#) ?? 0 >= 1)
        #expect(arrivals.on("/K1235/").isEmpty)
    }
}
