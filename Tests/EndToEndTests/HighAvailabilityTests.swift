import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Several `callhook run` instances on one PostgreSQL queue, one NFON stream
/// (the simulator) and one receiver (runtime.md, "Scale-out and high
/// availability").
@Suite(.serialized) struct HighAvailabilityTests {
    /// 500 calls on one stream read by two instances: every request arrives
    /// exactly once, with one key, in per-call order.
    @Test func twoInstancesDeliverEveryRequestOnce() async throws {
        let arrivals = Arrivals()
        let receiver = try await TestHTTPServer.start(threads: 2) { r in
            arrivals.record(r)
            return .json("{}")
        }
        defer { Task { await receiver.stop() } }
        let url = try await PostgresCluster.shared().createDatabase()
        let calls = 500
        // No instance dies here: a lease no loaded machine runs out.
        let (sim, a, b) = try await startPair(
            receiver: receiver.base, url: url, script: HAScript.calls(calls, spacing: 8), lease: "30s")
        defer { for p in [sim, a.process, b.process] { p.signal(SIGKILL) } }

        try await receiver.wait(timeout: .seconds(150)) { _ in Set(arrivals.all.map(\.key)).count >= 3 * calls }
        // Both instances read the whole stream: each rendered every request.
        try await eventually("both instances read every event") {
            let (seenA, seenB) = (try await eventCount(a.port), try await eventCount(b.port))
            return seenA == 3 * calls && seenB == 3 * calls
        }
        let (eventsA, eventsB) = (try await eventCount(a.port), try await eventCount(b.port))
        // Let anything that would repeat arrive before counting.
        try await eventually("both queues idle") { try await pendingCount(a.port) == 0 }
        let got = arrivals.all
        var perKey: [String: Int] = [:]
        for e in got { perKey[e.key, default: 0] += 1 }
        print(
            "two instances, \(calls) calls: \(got.count) requests received, \(perKey.count) distinct keys, "
                + "\(perKey.values.filter { $0 > 1 }.count) repeated; events seen: \(eventsA) and \(eventsB)")
        #expect(eventsA == 3 * calls && eventsB == 3 * calls)
        #expect(got.count == 3 * calls)
        #expect(perKey.count == 3 * calls && perKey.values.allSatisfy { $0 == 1 })
        #expect(HAScript.orderViolations(got).isEmpty)
    }

    /// `kill -9` of one instance under sustained delivery: its peer sends
    /// what it held once its claims expire; only what it had in flight
    /// repeats, with the same key.
    @Test func killNineOfOneInstanceLosesNothing() async throws {
        let arrivals = Arrivals()
        let receiver = try await TestHTTPServer.start(threads: 2) { r in
            arrivals.record(r)
            return .json("{}", afterMilliseconds: 20)
        }
        defer { Task { await receiver.stop() } }
        let url = try await PostgresCluster.shared().createDatabase()
        let calls = 300
        // The killed instance's claims end 5 s after its last renewal.
        let (sim, a, b) = try await startPair(
            receiver: receiver.base, url: url, script: HAScript.calls(calls, spacing: 15), lease: "5s")
        defer { for p in [sim, a.process, b.process] { p.signal(SIGKILL) } }
        try await receiver.wait(timeout: .seconds(90)) { $0.requests.count >= 150 }
        b.process.signal(SIGKILL)
        _ = await b.process.waitForExit()
        let atKill = arrivals.all.count

        try await receiver.wait(timeout: .seconds(150)) { _ in Set(arrivals.all.map(\.key)).count >= 3 * calls }
        try await eventually("the queue is drained") { try await pendingCount(a.port) == 0 }
        let got = arrivals.all
        var perKey: [String: [Int]] = [:]
        for e in got { perKey[e.key, default: []].append(e.attempt) }
        let repeated = perKey.filter { $0.value.count > 1 }
        print(
            "kill -9 of one of two instances after \(atKill) requests: \(got.count) received, \(perKey.count) distinct keys "
                + "of \(3 * calls), \(repeated.count) repeated")
        #expect(perKey.count == 3 * calls)
        // Only requests the killed instance had in flight (on the wire, or
        // answered and not yet committed) repeat, once each, with the same
        // key: each repeated key first arrived before the kill, so its first
        // copy may be the killed instance's. A key whose copies both came
        // after the kill would be a duplicate by the survivor alone.
        var firstIndex: [String: Int] = [:]
        for (i, e) in got.enumerated() where firstIndex[e.key] == nil { firstIndex[e.key] = i }
        let repeatedAfterKill = repeated.keys.filter { (firstIndex[$0] ?? 0) >= atKill }
        #expect(repeatedAfterKill.isEmpty, "repeated although first sent after the kill: \(repeatedAfterKill)")
        #expect(repeated.count <= 64)
        #expect(repeated.values.allSatisfy { $0.count == 2 })
        #expect(HAScript.orderViolations(got).isEmpty)
    }

    /// PostgreSQL stopped for 10 s under load: `/readyz` says why, the
    /// source waits, nothing is lost, and delivery resumes by itself.
    @Test func aDatabaseOutageLosesNothing() async throws {
        let cluster = try await PostgresCluster.start()
        defer { cluster.destroy() }
        let arrivals = Arrivals()
        let receiver = try await TestHTTPServer.start(threads: 2) { r in
            arrivals.record(r)
            return .json("{}")
        }
        defer { Task { await receiver.stop() } }
        let url = try await cluster.createDatabase()
        let calls = 200
        let setup = try DaemonSetup(rules: incomingRules(receiver.base, concurrency: 4))
        let scriptPath = try setup.write(HAScript.calls(calls, spacing: 50).joined(separator: "\n"), to: "calls.jsonl")
        let (sim, base) = try await startScriptedSimulator(script: scriptPath)
        defer { sim.signal(SIGKILL) }
        try HAScript.config(base: base, url: url).write(toFile: setup.config, atomically: true, encoding: .utf8)
        let (daemon, port) = try await setup.startDaemon(["--log-level", "info"])
        defer { daemon.signal(SIGKILL) }
        try await receiver.wait(timeout: .seconds(30)) { $0.requests.count >= 60 }

        try await cluster.stopServer()
        let stoppedAt = arrivals.all.count
        try await eventually(timeout: .seconds(15), "/readyz reports the outage") {
            let r = try await httpGet(port, "/readyz")
            return r.status == 503 && r.text.contains("delivery queue database")
        }
        let readyz = try await httpGet(port, "/readyz").text
        try await Task.sleep(for: .seconds(10))  // the outage itself
        let duringOutage = arrivals.all.count - stoppedAt
        try await cluster.startServer()
        let restarted = ContinuousClock.now

        do {
            try await receiver.wait(timeout: .seconds(60)) { _ in Set(arrivals.all.map(\.key)).count >= 3 * calls }
        } catch {
            let log = daemon.stderr.split(separator: "\n").filter { !$0.contains("debug") }.suffix(30)
            print(
                "after the restart: \(Set(arrivals.all.map(\.key)).count) distinct keys of \(3 * calls) in "
                    + "\(ContinuousClock.now - restarted); queue: \(try await setup.queue(["stats"]).stdout)\n"
                    + log.joined(separator: "\n"))
            throw error
        }
        print("all requests arrived \(ContinuousClock.now - restarted) after the restart")
        try await eventually("/readyz ready again") { try await httpGet(port, "/readyz").status == 200 }
        let got = arrivals.all
        let keys = Set(got.map(\.key))
        print(
            "PostgreSQL stopped for 10 s after \(stoppedAt) requests: /readyz said \(readyz); \(duringOutage) arrived "
                + "during the outage; afterwards \(keys.count) distinct keys of \(3 * calls), \(got.count) requests")
        #expect(keys.count == 3 * calls)
        #expect(daemon.process.isRunning)
        #expect(HAScript.orderViolations(got).isEmpty)
    }

    // MARK: Helpers

    struct Instance: Sendable {
        let process: CallhookProcess
        let port: Int
        let setup: DaemonSetup
    }

    /// The simulator playing `script`, and two instances on `url`.
    func startPair(receiver: String, url: String, script: [String], lease: String) async throws -> (
        CallhookProcess, Instance, Instance
    ) {
        let setupA = try DaemonSetup(rules: incomingRules(receiver, concurrency: 8))
        let setupB = try DaemonSetup(rules: incomingRules(receiver, concurrency: 8))
        let path = try setupA.write(script.joined(separator: "\n"), to: "calls.jsonl")
        let (sim, base) = try await startScriptedSimulator(script: path)
        for s in [setupA, setupB] {
            try HAScript.config(base: base, url: url, lease: lease).write(toFile: s.config, atomically: true, encoding: .utf8)
        }
        // Info level: a debug line per delivery costs more than the test needs.
        async let a = setupA.startDaemon(["--log-level", "info"])
        async let b = setupB.startDaemon(["--log-level", "info"])
        let (pa, pb) = try await (a, b)
        return (sim, Instance(process: pa.0, port: pa.1, setup: setupA), Instance(process: pb.0, port: pb.1, setup: setupB))
    }
}

/// `callhook_events_total` summed over phases.
func eventCount(_ port: Int) async throws -> Int {
    let text = try await httpGet(port, "/metrics").text
    return text.split(separator: "\n").filter { $0.hasPrefix("callhook_events_total{") }
        .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0) { $0 + Int($1) }
}

/// Pending deliveries in the shared queue, from the admin-free `/metrics`.
func pendingCount(_ port: Int) async throws -> Int {
    let text = try await httpGet(port, "/metrics").text
    let line = text.split(separator: "\n").first { $0.hasPrefix(#"callhook_queue_depth{status="pending"}"#) }
    return line.flatMap { $0.split(separator: " ").last.flatMap { Double($0) } }.map { Int($0) } ?? -1
}
