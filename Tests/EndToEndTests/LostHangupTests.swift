import Foundation
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// No call is left open (runtime.md, "Call tracker"), against the real
/// binaries: `callhook sim --drop-stream-at-hangup 1` drops the calls stream
/// just before a hang-up, and `callhook run` reconciles after reconnecting.
@Suite struct LostHangupTests {
    static func rules(_ url: String) -> String {
        """
        [target.crm]
        url = "\(url)"
        concurrency = 4

        [[rule]]
        name = "call-log"
        on = ["ended"]
        [[rule.webhook]]
        target = "crm"
        path = "/ended"
        json = { call = "{{call.id}}", cause = "{{call.cause}}", reconciled = "{{call.reconciled}}", ended_at = "{{call.ended_at}}" }
        """
    }

    struct Ended: Sendable {
        var call: String
        var cause: String
        var reconciled: Bool
        var at: ContinuousClock.Instant

        init?(_ entry: Arrivals.Entry) {
            guard let o = try? JSONSerialization.jsonObject(with: Data(entry.body.utf8)) as? [String: Any] else { return nil }
            call = o["call"] as? String ?? ""
            cause = o["cause"] as? String ?? ""
            reconciled = o["reconciled"] as? Bool ?? false
            at = entry.at
        }
    }

    /// An instant set once, from another task.
    final class Moment: Sendable {
        let value = Mutex<ContinuousClock.Instant?>(nil)
    }

    /// Call A (extension 100) is answered and hangs up while the calls
    /// stream is down; call B (extension 101) is in use across the outage.
    /// After the reconnect: exactly one `ended` for A, cause `lost`; B ends
    /// normally at its own hang-up; A's late hang-up fires nothing.
    @Test func hangupLostInAnOutageEndsAsLostOnce() async throws {
        let arrivals = Arrivals()
        let receiver = try await TestHTTPServer.start { r in
            arrivals.record(r)
            return .json("{}")
        }
        defer { Task { await receiver.stop() } }
        let a = Script.uuid(1)
        let b = Script.uuid(2)
        let script = [
            Script.call(a, "ring", ext: "100", at: 0), Script.call(a, "answer", ext: "100", at: 200),
            Script.call(b, "ring", ext: "101", at: 300), Script.call(b, "answer", ext: "101", at: 500),
            // The first hang-up: the simulator drops the calls stream just before it.
            Script.call(a, "hangup", ext: "100", at: 1500),
            // Long after the reconnect (first backoff ≤ 0.5 s): A's hang-up again, late.
            Script.call(a, "hangup", ext: "100", at: 5000),
            Script.call(b, "hangup", ext: "101", at: 6000),
        ]
        let setup = try DaemonSetup(rules: Self.rules(receiver.base))
        let (sim, daemon, port) = try await setup.startAgainstSimulator(script, simFlags: ["--drop-stream-at-hangup", "1"])
        defer {
            sim.signal(SIGKILL)
            daemon.signal(SIGKILL)
        }

        // When the daemon logged its second calls-stream connection (polled
        // every 2 ms), to measure how soon after it the reconciled `ended` left.
        let reconnectedAt = Moment()
        let watcher = Task {
            while !Task.isCancelled {
                if daemon.stderr.components(separatedBy: "connected to the calls stream").count > 2 {
                    reconnectedAt.value.withLock { $0 = .now }
                    return
                }
                try? await Task.sleep(for: .milliseconds(2))
            }
        }
        defer { watcher.cancel() }

        try await eventually(timeout: .seconds(30), "B's own end and A's late hang-up counted") {
            let metrics = try await httpGet(port, "/metrics").text
            let late = metricValue(metrics, #"callhook_calls_late_hangups_total{source="nfon:K1234"}"#) ?? 0
            return late >= 1 && arrivals.all.contains { Ended($0)?.call == b }
        }
        let all = arrivals.all.compactMap(Ended.init)
        let endsOfA = all.filter { $0.call == a }
        let endsOfB = all.filter { $0.call == b }
        #expect(endsOfA.count == 1)
        #expect(endsOfA.first?.cause == "lost")
        #expect(endsOfA.first?.reconciled == true)
        #expect(endsOfB.count == 1)
        #expect(endsOfB.first?.cause == "answered")
        #expect(endsOfB.first?.reconciled == false)
        // B's end is its real hang-up, which comes after A's reconciled end.
        if let ea = endsOfA.first, let eb = endsOfB.first { #expect(ea.at < eb.at) }

        let metrics = try await httpGet(port, "/metrics").text
        #expect(metricValue(metrics, #"callhook_calls_reconciled_total{source="nfon:K1234",reason="snapshot"}"#) == 1)
        #expect(metricValue(metrics, #"callhook_source_reconnects_total{source="nfon:K1234"}"#) ?? 0 >= 1)
        let log = daemon.stderr
        #expect(log.contains("call ended as lost"))
        #expect(log.contains("late hang-up of a call already ended as lost"))

        let reconnected = try #require(reconnectedAt.value.withLock { $0 })
        let sent = try #require(endsOfA.first?.at)
        let tookMS = log.range(of: "took_ms=").map { log[$0.upperBound...].prefix { $0.isNumber } } ?? "?"
        print(
            "reconciled `ended` received \((sent - reconnected) / .milliseconds(1)) ms after the reconnect was logged "
                + "(states snapshot took \(tookMS) ms)")
        #expect(sent - reconnected < .seconds(5))
    }

    /// `[calls] max_ring` in `callhook.toml` reaches the daemon's sweep: a
    /// ring whose hang-up never comes ends as `lost` about max_ring later,
    /// with no reconnect involved.
    @Test func silentRingEndsAtMaxRing() async throws {
        let arrivals = Arrivals()
        let receiver = try await TestHTTPServer.start { r in
            arrivals.record(r)
            return .json("{}")
        }
        defer { Task { await receiver.stop() } }
        let setup = try DaemonSetup(rules: Self.rules(receiver.base))
        let start = ContinuousClock.now
        let (sim, daemon, port) = try await setup.startAgainstSimulator(
            [Script.call(Script.uuid(7), "ring", ext: "105", at: 0)], nfon: "\n[calls]\nmax_ring = \"2s\"")
        defer {
            sim.signal(SIGKILL)
            daemon.signal(SIGKILL)
        }
        try await eventually(timeout: .seconds(30), "the silent ring ended") { !arrivals.all.isEmpty }
        let end = try #require(Ended(arrivals.all[0]))
        #expect(end.call == Script.uuid(7) && end.cause == "lost" && end.reconciled)
        #expect(end.at - start >= .seconds(2))
        let metrics = try await httpGet(port, "/metrics").text
        #expect(metricValue(metrics, #"callhook_calls_reconciled_total{source="nfon:K1234",reason="max_ring"}"#) == 1)
        #expect(arrivals.all.count == 1)
    }
}
