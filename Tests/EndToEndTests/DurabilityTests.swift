import Foundation
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Rules sending every incoming call to one target.
func incomingRules(_ url: String, concurrency: Int, extra: String = "") -> String {
    """
    [target.crm]
    url = "\(url)"
    concurrency = \(concurrency)
    \(extra)

    [[rule]]
    name = "ring"
    on = ["incoming", "answered", "ended"]
    [[rule.webhook]]
    target = "crm"
    path = "/{{event}}"
    json = { call = "{{call.id}}", event = "{{event}}" }
    """
}

@Suite struct DurabilityTests {
    /// A held first request of one call holds that call's later requests to
    /// the same target, and no one else's.
    @Test func laterRequestsOfACallWaitForItsFirst() async throws {
        let arrivals = Arrivals()
        let held = Script.uuid(1)
        let receiver = try await TestHTTPServer.start(threads: 2) { r in
            arrivals.record(r)
            let slow = r.uri == "/incoming" && callField(r.text) == held
            return .json("{}", afterMilliseconds: slow ? 2500 : 0)
        }
        defer { Task { await receiver.stop() } }
        let setup = try DaemonSetup(rules: incomingRules(receiver.base, concurrency: 4))
        var lines: [String] = []
        for c in 1...3 {
            let u = Script.uuid(c)
            lines += [
                Script.call(u, "ring", ext: "10\(c)", at: c * 10), Script.call(u, "answer", ext: "10\(c)", at: 200 + c * 10),
                Script.call(u, "hangup", ext: "10\(c)", at: 400 + c * 10),
            ]
        }
        let (sim, daemon, _) = try await setup.startAgainstSimulator(lines)
        defer {
            sim.signal(SIGKILL)
            daemon.signal(SIGKILL)
        }

        try await receiver.wait(timeout: .seconds(30)) { $0.requests.count >= 9 }
        let got = arrivals.all
        let heldFirst = try #require(got.first { callField($0.body) == held })
        #expect(heldFirst.path == "/incoming")
        let heldLater = got.filter { callField($0.body) == held }.dropFirst()
        #expect(heldLater.map(\.path) == ["/answered", "/ended"])
        // Sent only after the held answer came back, 2.5 s after it arrived.
        #expect(heldLater.allSatisfy { $0.at - heldFirst.at >= .milliseconds(2500) })
        // The other calls flowed meanwhile, in their own order.
        for c in 2...3 {
            let other = got.filter { callField($0.body) == Script.uuid(c) }
            #expect(other.map(\.path) == ["/incoming", "/answered", "/ended"])
            #expect(other.allSatisfy { $0.at - heldFirst.at < .milliseconds(2500) })
        }
    }

    /// `kill -9` during sustained delivery, restart: every queued delivery
    /// arrives at least once; only requests in flight at the kill repeat.
    @Test func killNineLosesNothing() async throws {
        let arrivals = Arrivals()
        let receiver = try await TestHTTPServer.start(threads: 2) { r in
            arrivals.record(r)
            return .json("{}", afterMilliseconds: 15)
        }
        defer { Task { await receiver.stop() } }
        let concurrency = 4
        let setup = try DaemonSetup(rules: incomingRules(receiver.base, concurrency: concurrency))
        let (sim, daemon, _) = try await setup.startAgainstSimulator(Script.rings(400, spacing: 2))
        defer { sim.signal(SIGKILL) }
        try await receiver.wait(timeout: .seconds(30)) { $0.requests.count >= 80 }
        daemon.signal(SIGKILL)
        _ = await daemon.waitForExit()
        let beforeKill = arrivals.all.count

        let queued = try await setup.queue(["stats"]).stdout
        let (restarted, _) = try await setup.startDaemon(["--source", "none"])
        defer { restarted.signal(SIGKILL) }
        try await eventually(timeout: .seconds(60), "queue drained") {
            try await setup.queue(["stats"]).stdout.contains("pending   0")
        }
        let delivered = try await setup.queue(["list", "--status", "delivered", "--limit", "100000"]).stdout
        let ids = delivered.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
        var received: [String: Int] = [:]
        for e in arrivals.all { received[e.key, default: 0] += 1 }
        let missing = ids.filter { received[$0] == nil }
        let repeated = received.filter { $0.value > 1 }
        print(
            "kill -9: \(beforeKill) requests received before the kill; queue at the kill: \(queued.split(separator: "\n").joined(separator: ", ")); \(ids.count) deliveries in the queue after restart, \(arrivals.all.count) requests received in all, \(missing.count) missing, \(repeated.count) repeated"
        )
        #expect(ids.count >= beforeKill)
        #expect(missing.isEmpty)
        // Only what was in flight at the kill repeats, with the same key: on the wire
        // (at most `concurrency`) or answered with its outcome not yet committed
        // (a finished request frees its slot before the group commit; at most
        // `concurrency` more). docs/delivery.md, "What a kill can repeat".
        #expect(repeated.count <= 2 * concurrency)
        #expect(repeated.values.allSatisfy { $0 == 2 })
        #expect(!(try await setup.queue(["stats"]).stdout.contains("dead      1")))
    }

    /// SIGTERM with requests in flight: exit 0 within 11 s; the next start
    /// delivers what was left.
    @Test func sigtermKeepsPendingDeliveriesForTheNextStart() async throws {
        let hanging = try await TestHTTPServer.start { _ in CannedResponse(hang: true) }
        let port = hanging.port
        let setup = try DaemonSetup(
            rules: incomingRules(hanging.base, concurrency: 2, extra: #"timeout = "60s""#))
        let (sim, daemon, _) = try await setup.startAgainstSimulator(Script.rings(5, spacing: 10))
        defer { sim.signal(SIGKILL) }
        try await hanging.wait(timeout: .seconds(30)) { $0.requests.count >= 2 }
        try await eventually("all five queued") { try await setup.queue(["stats"]).stdout.contains("pending   5") }
        let start = ContinuousClock.now
        daemon.signal(SIGTERM)
        let status = await daemon.waitForExit(timeout: .seconds(30))
        let took = ContinuousClock.now - start
        print("SIGTERM with 2 requests in flight: exit status \(status.map(String.init) ?? "none") after \(took)")
        #expect(status == 0)
        #expect(took < .seconds(11))
        await hanging.stop()

        let arrivals = Arrivals()
        let healthy = try await TestHTTPServer.start(port: port) { r in
            arrivals.record(r)
            return .json("{}")
        }
        defer { Task { await healthy.stop() } }
        let (restarted, _) = try await setup.startDaemon(["--source", "none"])
        defer { restarted.signal(SIGKILL) }
        try await eventually("left-over deliveries delivered") {
            try await setup.queue(["stats"]).stdout.contains("delivered 5")
        }
        #expect(Set(arrivals.all.map(\.key)).count == 5)
    }
}
