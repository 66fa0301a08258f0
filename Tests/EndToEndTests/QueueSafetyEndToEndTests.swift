import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The queue against the real binary: private files, masked secrets in
/// `queue show`, and deliveries that survive a reload removing their target.
@Suite struct QueueSafetyEndToEndTests {
    /// A port with nothing listening: attempts fail with a refused
    /// connection and are retried.
    private func rules(target: String, url: String, extra: String = "") -> String {
        """
        [target.\(target)]
        url = "\(url)"
        retry = { attempts = 1000, initial = "100ms", factor = 1.0, max = "100ms" }
        \(extra)

        [[rule]]
        name = "ring"
        on = ["incoming"]
        [[rule.webhook]]
        target = "\(target)"
        json = { call = "{{call.id}}" }
        """
    }

    private func mode(_ path: String) -> String {
        guard let a = try? FileManager.default.attributesOfItem(atPath: path),
            let m = (a[.posixPermissions] as? NSNumber)?.intValue
        else { return "missing" }
        return String(m, radix: 8)
    }

    @Test func queueFilesAreOwnerOnlyAndQueueShowMasksSecrets() async throws {
        let dead = try RefusingPort()
        defer { dead.release() }
        let port = dead.port
        let url =
            "http://bob:hunter2pass@127.0.0.1:\(port)/services/T0AAAA/B0BBBB/aB3dE5gH7jK9mN1pQ3sT5vW7yZ9?token=tok-in-url&call=1"
        let setup = try DaemonSetup(
            rules: rules(
                target: "crm", url: url,
                extra:
                    #"headers = { Authorization = "Bearer auth-in-header", X-Api-Key = "key-in-header", Cookie = "sid=cookie-in-header" }"#
            ))
        let (sim, daemon, _) = try await setup.startAgainstSimulator(Script.rings(1))
        defer {
            sim.signal(SIGKILL)
            daemon.signal(SIGKILL)
        }
        let queue = setup.data + "/queue.sqlite"
        try await eventually("one delivery queued") { try await setup.queue(["stats"]).stdout.contains("pending   1") }
        for file in [queue, queue + "-wal", queue + "-shm"] {
            #expect(mode(file) == "600", "\(file): \(mode(file))")
        }
        #expect(mode(setup.data) == "700")

        let list = try await setup.queue(["list"])
        let id = try #require(list.stdout.split(separator: " ").first.map(String.init))
        let show = try await setup.queue(["show", id])
        #expect(show.status == 0, "\(show.stderr)")
        for secret in [
            "hunter2pass", "tok-in-url", "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9", "auth-in-header", "key-in-header", "cookie-in-header",
        ] {
            #expect(!show.stdout.contains(secret), "queue show printed \(secret):\n\(show.stdout)")
        }
        #expect(show.stdout.contains("token=***"))

        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
        for file in [queue, queue + "-wal", queue + "-shm"] where FileManager.default.fileExists(atPath: file) {
            #expect(mode(file) == "600", "\(file) after the run: \(mode(file))")
        }
        // A read-only command on the stopped daemon's queue still works.
        #expect(try await setup.queue(["stats"]).stdout.contains("pending   1"))
    }

    @Test func aReloadThatRemovesATargetKeepsItsDeliveriesUntilItComesBack() async throws {
        let dead = try RefusingPort()
        let port = dead.port
        let setup = try DaemonSetup(rules: rules(target: "crm", url: "http://127.0.0.1:\(port)/hook"))
        let (sim, daemon, httpPort) = try await setup.startAgainstSimulator(Script.rings(3, spacing: 10))
        defer {
            sim.signal(SIGKILL)
            daemon.signal(SIGKILL)
        }
        let orphaned = #"callhook_queue_depth{status="orphaned"}"#
        @Sendable func orphanedGauge() async throws -> Double? {
            metricValue(try await httpGet(httpPort, "/metrics").text, orphaned)
        }
        do {
            try await eventually("three deliveries retrying") {
                try await setup.queue(["stats"]).stdout.contains("pending   3")
            }
        } catch {
            let stats = try await setup.queue(["stats"]).stdout
            Issue.record("not 3 pending:\n\(stats)\ndaemon:\n\(daemon.stderr.suffix(3000))")
            throw error
        }

        // Rename the target: the queued deliveries of "crm" are orphaned.
        try rules(target: "crm2", url: "http://127.0.0.1:\(port)/hook").write(
            toFile: setup.rules + "/rules.toml", atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        try await daemon.waitForOutput { _, err in err.contains("rules reloaded") }
        try await daemon.waitForOutput { _, err in err.contains("their target is not in the rules") }
        let list = try await setup.queue(["list"])
        #expect(list.stdout.components(separatedBy: "orphaned: target crm is not in the rules").count == 4, "\(list.stdout)")
        // Longer than many retry intervals: still pending, none dead.
        try await Task.sleep(for: .seconds(1))
        let stats = try await setup.queue(["stats"]).stdout
        #expect(stats.contains("pending   3") && stats.contains("dead      0"), "\(stats)")
        try await eventually("the orphaned gauge at 3") { try await orphanedGauge() == 3 }

        // The target comes back, now reachable: all three are delivered.
        dead.release()
        let receiver = try await TestHTTPServer.start(port: port) { _ in .json("{}") }
        defer { Task { await receiver.stop() } }
        try rules(target: "crm", url: "\(receiver.base)/hook").write(
            toFile: setup.rules + "/rules.toml", atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        try await eventually("orphaned deliveries delivered") {
            try await setup.queue(["stats"]).stdout.contains("delivered 3")
        }
        #expect(receiver.requests.count == 3)
        try await eventually("the orphaned gauge back at 0") { try await orphanedGauge() == 0 }
    }
}
