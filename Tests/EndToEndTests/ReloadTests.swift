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

    /// A reload of values that used to trap the process (a 999999999999-day
    /// timeout, `Int.max` concurrency and attempts, a 1e308 factor) is
    /// rejected with its lines; the daemon stays up with its old rules.
    @Test func reloadOfTrappingValuesKeepsTheDaemonAndItsRules() async throws {
        let one = incomingRules("http://127.0.0.1:9", concurrency: 1)
        let setup = try DaemonSetup(rules: one, config: "rules = \"rules\"\ndata = \"data\"\n")
        let (daemon, port) = try await setup.startDaemon(["--source", "none"])
        defer { daemon.signal(SIGKILL) }

        let trap = """
            [target.x]
            url = "http://127.0.0.1:9/"
            timeout = "999999999999d"
            concurrency = 9223372036854775807
            retry = { attempts = 9223372036854775807, factor = 1e308, max = "99999999999d" }
            """
        try trap.write(toFile: setup.rules + "/trap.toml", atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        try await daemon.waitForOutput { _, err in logLine(err, "rules not reloaded", "trigger=signal") }
        try await daemon.waitForOutput { _, err in err.contains("trap.toml:3:1: error: target \"x\": timeout") }
        #expect(daemon.stderr.contains("trap.toml:4:1: error: target \"x\": concurrency"))
        #expect(!daemon.stderr.contains("rules reloaded"))
        #expect(daemon.process.isRunning)
        #expect(try await httpGet(port, "/readyz").status == 200)
    }
}

/// Whether one line of `log` contains every one of `parts`.
func logLine(_ log: String, _ parts: String...) -> Bool {
    log.split(separator: "\n").contains { line in parts.allSatisfy { line.contains($0) } }
}
