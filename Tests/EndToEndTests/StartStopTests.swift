import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Start-up and shutdown of the long-running commands never hang.
@Suite struct StartStopTests {
    enum Command: String, CaseIterable, Sendable { case run, demo, sim }

    /// A listen port another process holds: the command exits 3 at once
    /// and names the address, instead of hanging (`run` used to hang).
    @Test(arguments: Command.allCases)
    func aTakenListenPortExitsThreeNamingTheAddressInsteadOfHanging(_ command: Command) async throws {
        let holder = try await TestHTTPServer.start { _ in .json("{}") }
        defer { Task { await holder.stop() } }
        let address = "127.0.0.1:\(holder.port)"
        let setup = try DaemonSetup(rules: incomingRules("http://127.0.0.1:9", concurrency: 1))
        let arguments: [String] =
            switch command {
            case .run: ["run", "--config", setup.config, "--rules", setup.rules, "--source", "none", "--listen", address]
            case .demo: ["demo", "--rules", setup.rules, "--listen", address]
            case .sim: ["sim", "--listen", address]
            }
        let started = ContinuousClock.now
        let p = try CallhookProcess(arguments, directory: setup.dir)
        // A hang would never end; the bound only has to be far above a
        // start-up on a loaded machine.
        let status = await p.waitForExit(timeout: .seconds(30))
        if status == nil { p.signal(SIGKILL) }
        #expect(status == 3, "callhook \(command) on a taken port; stderr:\n\(p.stderr)")
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(p.stderr.contains("cannot listen on \(address)"), "stderr:\n\(p.stderr)")
    }

    /// `callhook sim` with no client ever connected stops on SIGTERM (it
    /// used to wait for the first subscriber forever).
    @Test func simWithNoClientExitsZeroOnSIGTERM() async throws {
        let sim = try CallhookProcess(["sim", "--listen", "127.0.0.1:0"])
        defer { sim.signal(SIGKILL) }
        try await sim.waitForOutput(timeout: .seconds(10)) { _, err in err.contains("/v1 (") }
        sim.signal(SIGTERM)
        let status = await sim.waitForExit(timeout: .seconds(5))
        #expect(status == 0, "stderr:\n\(sim.stderr)")
    }

    /// While the daemon waits up to 10 s for a request in flight, a second
    /// SIGTERM ends it at once with status 3.
    @Test func aSecondSIGTERMEndsTheDaemonAtOnceInsteadOfWaitingForTheDrain() async throws {
        let receiver = try await TestHTTPServer.start(threads: 2) { _ in .json("{}", afterMilliseconds: 30_000) }
        defer { Task { await receiver.stop() } }
        let setup = try DaemonSetup(rules: incomingRules(receiver.base, concurrency: 1))
        let (sim, daemon, _) = try await setup.startAgainstSimulator(Script.rings(1))
        defer {
            sim.signal(SIGKILL)
            daemon.signal(SIGKILL)
        }
        try await receiver.wait(timeout: .seconds(30)) { $0.requests.count >= 1 }
        daemon.signal(SIGTERM)
        try await daemon.waitForOutput(timeout: .seconds(10)) { _, err in err.contains("Shutting down the group") }
        #expect(daemon.process.isRunning, "the first SIGTERM waits for the request in flight")
        let second = ContinuousClock.now
        daemon.signal(SIGTERM)
        let status = await daemon.waitForExit(timeout: .seconds(5))
        #expect(status == 3, "stderr:\n\(daemon.stderr)")
        #expect(ContinuousClock.now - second < .seconds(5))
        #expect(daemon.stderr.contains("stopping at once"))
    }
}
