import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct ReloadTests {
    /// SIGHUP reloads the rules: an invalid set is rejected with its errors
    /// and the old one stays; a valid one applies.
    @Test func sighupRejectsInvalidRulesAndAppliesValidOnes() async throws {
        let one = incomingRules("http://127.0.0.1:9", concurrency: 1)
        let setup = try DaemonSetup(rules: one, config: "rules = \"rules\"\ndata = \"data\"\n")
        let (daemon, port) = try await setup.startDaemon(["--source", "none"])
        defer { daemon.signal(SIGKILL) }

        try (one + "\n[[rule]]\nname = \"broken\"\non = [\"incomming\"]\n").write(
            toFile: setup.rules + "/rules.toml", atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        try await daemon.waitForOutput { _, err in err.contains("rules not reloaded") }
        try await daemon.waitForOutput { _, err in err.contains("unknown phase `incomming`") }
        #expect(!daemon.stderr.contains("rules reloaded"))
        #expect(try await httpGet(port, "/readyz").status == 200)

        try (one + "\n[[rule]]\nname = \"second\"\non = [\"missed\"]\n[[rule.webhook]]\ntarget = \"crm\"\n").write(
            toFile: setup.rules + "/rules.toml", atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        try await daemon.waitForOutput { _, err in err.contains("rules reloaded") && err.contains("rules=2") }
        #expect(daemon.process.isRunning)
    }
}
