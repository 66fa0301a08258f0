import Foundation
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct ReceiverFaultTests {
    /// runtime.md's retry rules, one target per fault, against the real
    /// binary: each retried or dead-lettered as it says, everything
    /// retryable delivered once the receiver recovers, and dead ones
    /// delivered after `callhook queue retry --dead` on the running daemon.
    @Test func faultMatrix() async throws {
        let hits = Mutex<[String: Int]>([:])
        let recovered = Atomic<Bool>(false)
        let arrivals = Arrivals()
        let receiver = try await TestHTTPServer.start(threads: 2) { r in
            arrivals.record(r)
            let path = String(r.uri.split(separator: "?")[0])
            let n = hits.withLock { h -> Int in
                h[path, default: 0] += 1
                return h[path]!
            }
            if recovered.load(ordering: .relaxed) { return .json("{}") }
            switch path {
            case "/flaky": return n <= 2 ? .json("{}", status: 503) : .json("{}")
            case "/retry-after": return n == 1 ? .json("{}", status: 503, headers: [("Retry-After", "1")]) : .json("{}")
            case "/slow": return n == 1 ? .json("{}", afterMilliseconds: 30_000) : .json("{}")
            case "/gone": return .json("{}", status: 410)
            case "/bad": return .json(#"{"error":"bad field"}"#, status: 400)
            case "/down": return .json("{}", status: 503)
            default: return .json("{}", status: 404)
            }
        }
        defer { Task { await receiver.stop() } }
        // A port nothing listens on until the "refused" receiver recovers.
        let closed = try RefusingPort()
        let refusedPort = closed.port

        let fast = #"retry = { attempts = 4, initial = "200ms", factor = 2.0, max = "1s" }"#
        var rules = ""
        for (name, url, extra) in [
            (
                "refused", "http://127.0.0.1:\(refusedPort)/refused",
                #"retry = { attempts = 30, initial = "1s", factor = 1.0, max = "1s" }"#
            ),
            ("flaky", receiver.base + "/flaky", fast),
            ("retry_after", receiver.base + "/retry-after", fast),
            ("slow", receiver.base + "/slow", fast + "\ntimeout = \"500ms\""),
            ("gone", receiver.base + "/gone", fast),
            ("bad", receiver.base + "/bad", fast),
            ("down", receiver.base + "/down", #"retry = { attempts = 3, initial = "100ms", factor = 2.0, max = "200ms" }"#),
        ] {
            rules += "[target.\(name)]\nurl = \"\(url)\"\n\(extra)\n\n"
        }
        rules += "[[rule]]\nname = \"fan-out\"\non = [\"incoming\"]\n"
        for name in ["refused", "flaky", "retry_after", "slow", "gone", "bad", "down"] {
            rules += "[[rule.webhook]]\ntarget = \"\(name)\"\njson = { call = \"{{call.id}}\" }\n"
        }
        let setup = try DaemonSetup(rules: rules)
        let (sim, daemon, port) = try await setup.startAgainstSimulator(Script.rings(1))
        defer {
            sim.signal(SIGKILL)
            daemon.signal(SIGKILL)
        }

        // Retried until delivered: 503 twice, 503 with Retry-After, a 30 s answer cut at 500 ms.
        try await eventually("flaky, retry-after and slow delivered") {
            let m = try await httpGet(port, "/metrics").text
            return ["flaky", "retry_after", "slow"].allSatisfy {
                m.contains(#"callhook_deliveries_total{target="\#($0)",outcome="delivered"} 1"#)
            }
        }
        #expect(arrivals.on("/flaky").map(\.attempt) == [1, 2, 3])
        let ra = arrivals.on("/retry-after")
        #expect(ra.map(\.attempt) == [1, 2])
        #expect(ra[1].at - ra[0].at >= .seconds(1), "Retry-After: 1 is honoured over the 200 ms backoff")
        #expect(arrivals.on("/slow").map(\.attempt) == [1, 2])
        // Dead at once: 410 and 400; dead after its attempts: always 503.
        try await eventually("gone, bad and down dead") {
            let m = try await httpGet(port, "/metrics").text
            return ["gone", "bad", "down"].allSatisfy {
                m.contains(#"callhook_deliveries_total{target="\#($0)",outcome="dead"} 1"#)
            }
        }
        #expect(arrivals.on("/gone").count == 1)
        #expect(arrivals.on("/bad").count == 1)
        #expect(arrivals.on("/down").count == 3)
        let dead = try await setup.queue(["list", "--status", "dead"])
        #expect(dead.status == 0)
        for target in ["gone", "bad", "down"] { #expect(dead.stdout.contains("target=\(target)")) }
        #expect(dead.stdout.contains("status=410") && dead.stdout.contains("status=400"))
        let badID = try #require(
            dead.stdout.split(separator: "\n").first { $0.contains("target=bad") }?.split(separator: " ").first)
        let shown = try await setup.queue(["show", String(badID)])
        #expect(shown.stdout.contains("HTTP 400") && shown.stdout.contains("bad field"))

        // Connection refused is retried until the receiver is there (it
        // comes back after two refusals, before the breaker's five).
        try await eventually("refused retried") {
            daemon.stderr.split(separator: "\n").filter { $0.contains("target=refused") && $0.contains("will retry") }.count >= 2
        }
        closed.release()
        let back = try await TestHTTPServer.start(port: refusedPort) { r in
            arrivals.record(r)
            return .json("{}")
        }
        defer { Task { await back.stop() } }
        // Normally the next retry, a second later; on a loaded machine the
        // receiver may start after the fifth refusal, and then the breaker's
        // probe, 30 s later, is what reaches it.
        try await back.wait(timeout: .seconds(45)) { $0.requests.count >= 1 }

        // The receiver recovers; `queue retry --dead` against the running daemon sends the dead ones again.
        recovered.store(true, ordering: .relaxed)
        let retried = try await setup.queue(["retry", "--dead"])
        #expect(retried.stdout.contains("3 deliveries queued again"))
        try await eventually("dead deliveries delivered after retry") {
            let s = try await setup.queue(["stats"]).stdout
            return s.contains("pending   0") && s.contains("dead      0") && s.contains("delivered 7")
        }
        #expect(arrivals.on("/gone").count == 2)
        print(
            "fault matrix: refused \(arrivals.on("/refused").count) arrivals after recovery, flaky \(arrivals.on("/flaky").count) attempts, down \(arrivals.on("/down").count) attempts then retried, stats: delivered 7"
        )
    }
}
