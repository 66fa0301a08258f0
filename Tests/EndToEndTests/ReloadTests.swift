import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct ReloadTests {
    /// SIGHUP reloads the rules: an invalid set is rejected with its errors
    /// and the old one stays; a valid one applies. The file poller would
    /// reload the same files too, so each outcome is asserted on the line
    /// that says SIGHUP caused it (`trigger=signal`): a SIGHUP that did
    /// nothing fails the test.
    @Test func sighupRejectsInvalidRulesAndAppliesValidOnes() async throws {
        let one = incomingRules("http://127.0.0.1:9", concurrency: 1)
        let setup = try DaemonSetup(rules: one, config: "rules = \"rules\"\ndata = \"data\"\n")
        let (daemon, port) = try await setup.startDaemon(["--source", "none"])
        defer { daemon.signal(SIGKILL) }

        try (one + "\n[[rule]]\nname = \"broken\"\non = [\"incomming\"]\n").write(
            toFile: setup.rules + "/rules.toml", atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        try await daemon.waitForOutput { _, err in logLine(err, "rules not reloaded", "trigger=signal") }
        try await daemon.waitForOutput { _, err in err.contains("unknown phase `incomming`") }
        #expect(!daemon.stderr.contains("rules reloaded"))
        #expect(try await httpGet(port, "/readyz").status == 200)

        try (one + "\n[[rule]]\nname = \"second\"\non = [\"missed\"]\n[[rule.webhook]]\ntarget = \"crm\"\n").write(
            toFile: setup.rules + "/rules.toml", atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        try await daemon.waitForOutput { _, err in logLine(err, "rules reloaded", "rules=2", "trigger=signal") }
        #expect(daemon.process.isRunning)
    }
}

/// Whether one line of `log` contains every one of `parts`.
func logLine(_ log: String, _ parts: String...) -> Bool {
    log.split(separator: "\n").contains { line in parts.allSatisfy { line.contains($0) } }
}
