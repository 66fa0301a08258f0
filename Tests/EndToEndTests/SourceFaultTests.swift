import Foundation
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// One fault of the simulator, and what the daemon must show for it.
struct SourceFault: Sendable, CustomStringConvertible {
    var name: String
    var simFlags: [String]
    /// Extra `[source.nfon]` lines.
    var nfon: String = ""
    /// A metric line that must reach at least 1.
    var counted: String

    var description: String { name }

    static let all: [SourceFault] = [
        SourceFault(
            name: "stream dropped every 3 events", simFlags: ["--drop-every", "3"],
            counted: #"callhook_source_reconnects_total{source="nfon:K1234"}"#),
        SourceFault(
            name: "token expiry mid-stream", simFlags: ["--token-ttl", "2s"],
            counted: #"callhook_source_reconnects_total{source="nfon:K1234"}"#),
        SourceFault(
            name: "401 on login", simFlags: ["--fail-login", "401:2"],
            counted: #"callhook_source_errors_total{source="nfon:K1234",kind="login"}"#),
        SourceFault(
            name: "500 on login", simFlags: ["--fail-login", "500:2"],
            counted: #"callhook_source_errors_total{source="nfon:K1234",kind="login"}"#),
        SourceFault(
            name: "silence past idle_timeout", simFlags: ["--silent-after", "2", "--keepalive", "200ms"],
            nfon: #"idle_timeout = "1s""#, counted: #"callhook_source_errors_total{source="nfon:K1234",kind="idle"}"#),
        SourceFault(
            name: "malformed JSON", simFlags: ["--malformed-after", "1"],
            counted: #"callhook_source_errors_total{source="nfon:K1234",kind="malformed"}"#),
        SourceFault(
            name: "a 2 MiB line", simFlags: ["--oversized-after", "1"],
            counted: #"callhook_source_errors_total{source="nfon:K1234",kind="oversized"}"#),
        SourceFault(
            name: "random bytes", simFlags: ["--garbage-after", "1"],
            counted: #"callhook_source_errors_total{source="nfon:K1234",kind="malformed"}"#),
    ]
}

/// The value of a metric line (`NAME{labels} VALUE`) in Prometheus text.
func metricValue(_ text: String, _ series: String) -> Double? {
    guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(series + " ") }) else { return nil }
    return Double(line.split(separator: " ").last ?? "")
}

@Suite struct SourceFaultTests {
    /// Each fault of runtime.md's list against the real binary: the daemon
    /// stays up, counts the fault, and delivers the calls that come after
    /// the stream recovered.
    @Test(arguments: SourceFault.all)
    func daemonRecoversFrom(_ fault: SourceFault) async throws {
        let arrivals = Arrivals()
        let receiver = try await TestHTTPServer.start { r in
            arrivals.record(r)
            return .json("{}")
        }
        defer { Task { await receiver.stop() } }
        let setup = try DaemonSetup(rules: incomingRules(receiver.base, concurrency: 4))
        // Three calls at once (they meet the fault), then two more 3.5 s
        // later, after any reconnect (the first backoff is at most 0.5 s,
        // login failures add 0.5 s and 1 s).
        var lines = (1...3).map { Script.call(Script.uuid($0), "ring", at: $0 * 20) }
        lines += (4...5).map { Script.call(Script.uuid($0), "ring", at: 3500 + $0 * 20) }
        let (sim, daemon, port) = try await setup.startAgainstSimulator(lines, simFlags: fault.simFlags, nfon: fault.nfon)
        defer {
            sim.signal(SIGKILL)
            daemon.signal(SIGKILL)
        }

        let late = [Script.uuid(4), Script.uuid(5)]
        try await eventually(timeout: .seconds(30), "calls after the fault delivered (\(fault))") {
            let calls = Set(arrivals.all.map { callField($0.body) })
            return late.allSatisfy { calls.contains($0) }
        }
        let metrics = try await httpGet(port, "/metrics").text
        let count = metricValue(metrics, fault.counted) ?? 0
        let reconnects = metricValue(metrics, #"callhook_source_reconnects_total{source="nfon:K1234"}"#) ?? 0
        let delays = daemon.stderr.split(separator: "\n").filter { $0.contains("reconnecting calls stream") }
            .compactMap { line in line.range(of: "delay_ms=").map { line[$0.upperBound...].prefix { $0.isNumber } } }
        print("\(fault): \(fault.counted) = \(count); reconnects \(reconnects); reconnect delays (ms) \(delays)")
        #expect(count >= 1)
        #expect(daemon.process.isRunning)
        // Ready again once the source is back; a fault that recurs (a token
        // that keeps expiring) may catch the source between two connects,
        // so readiness is awaited rather than sampled once.
        try await eventually(timeout: .seconds(15), "/readyz 200 after \(fault)") {
            try await httpGet(port, "/readyz").status == 200
        }
    }

    /// `/readyz` answers 503 with a reason while the source cannot connect,
    /// and 200 once it has.
    @Test func readinessFollowsTheSource() async throws {
        let setup = try DaemonSetup(rules: incomingRules("http://127.0.0.1:9", concurrency: 1))
        let (sim, daemon, port) = try await setup.startAgainstSimulator(
            Script.rings(1), simFlags: ["--fail-login", "500:5"])
        defer {
            sim.signal(SIGKILL)
            daemon.signal(SIGKILL)
        }
        // Five failed logins with backoff: at least 0.25 + 0.5 + 1 + 2 + 4 s
        // before it connects, so a loaded machine still sees it not ready.
        let first = try await httpGet(port, "/readyz")
        #expect(first.status == 503)
        #expect(first.text.contains("nfon:K1234: login failed (500)") || first.text.contains("nfon:K1234: connecting"))
        try await eventually("ready once connected") { try await httpGet(port, "/readyz").status == 200 }
        #expect(try await httpGet(port, "/healthz").status == 200)
    }
}
