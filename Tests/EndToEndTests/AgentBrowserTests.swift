import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The web agent page in headless Chromium (Debian's `chromium` and
/// `chromium-driver`, selenium from PyPI; `make deps-test` installs them)
/// against the real `callhook run`: the VIP card, the tone after the
/// enable-sound click, the answer stopping it, scope, and reconnecting
/// after the daemon restarts. Loopback only.
@Suite("agent page in a browser", .serialized)
struct AgentBrowserTests {
    /// What the browser test needs; a clear failure (not a skip) without it.
    static func missingTools() -> String? {
        for tool in ["/usr/bin/chromium", "/usr/bin/chromedriver"] where !FileManager.default.isExecutableFile(atPath: tool) {
            return "\(tool) is missing: run 'make deps-test' (apt-get install chromium chromium-driver)"
        }
        guard let probe = try? SpawnedProcess(["/usr/bin/env", "python3", "-c", "import selenium"]) else {
            return "python3 is missing: run 'make deps-test'"
        }
        return probe.waitUntilExit() == 0
            ? nil : "the Python package selenium is missing: run 'make deps-test' (pip install selenium)"
    }

    @Test func thePageRingsStopsAndReconnects() async throws {
        if let missing = Self.missingTools() { throw ProcessFailure(message: missing) }
        let setup = try DaemonSetup(rules: AgentFixture.rules)
        let vip = Script.uuid(1)
        let other = Script.uuid(2)
        let second = Script.uuid(3)
        let first = [
            AgentFixture.call(vip, "ring", at: 0), AgentFixture.call(other, "ring", ext: "101", at: 10),
            AgentFixture.call(vip, "answer", at: 30_000), AgentFixture.call(other, "answer", ext: "101", at: 30_000),
            AgentFixture.call(vip, "hangup", at: 30_300), AgentFixture.call(other, "hangup", ext: "101", at: 30_300),
        ]
        let (sim, base) = try await startScriptedSimulator(
            script: try setup.write(first.joined(separator: "\n"), to: "first.jsonl"))
        defer { sim.signal(SIGKILL) }
        try (nfonConfig(base: base) + AgentFixture.serverSection).write(toFile: setup.config, atomically: true, encoding: .utf8)
        let (daemon, port) = try await setup.startDaemon()
        defer { daemon.signal(SIGKILL) }

        let shots = setup.dir.appendingPathComponent("screenshots").path
        try FileManager.default.createDirectory(atPath: shots, withIntermediateDirectories: true)
        let restarted = setup.dir.appendingPathComponent("restarted").path
        let url = "http://127.0.0.1:\(port)/agent#token=\(try AgentFixture.token(["100"]))"
        let script = repositoryRoot.appendingPathComponent("Tests/EndToEndTests/agent_browser.py").path
        let browser = try BrowserDriver("/usr/bin/env", ["python3", script, url, shots, restarted, vip, other, second])
        defer { browser.kill() }

        try await browser.waitForOutput("RESTART", timeout: .seconds(150))
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
        // The second daemon, on the same port, against a simulator ringing 100 again.
        let again = [AgentFixture.call(second, "ring", at: 0), AgentFixture.call(second, "answer", at: 120_000)]
        let (sim2, base2) = try await startScriptedSimulator(
            script: try setup.write(again.joined(separator: "\n"), to: "second.jsonl"))
        defer { sim2.signal(SIGKILL) }
        try (nfonConfig(base: base2) + AgentFixture.serverSection).write(toFile: setup.config, atomically: true, encoding: .utf8)
        let daemon2 = try CallhookProcess(["run", "--config", setup.config, "--listen", "127.0.0.1:\(port)"])
        defer { daemon2.signal(SIGKILL) }
        try await daemon2.waitForOutput { _, err in err.contains("callhook running") }
        _ = FileManager.default.createFile(atPath: restarted, contents: nil)

        let status = await browser.waitForExit(timeout: .seconds(150))
        #expect(status == 0, "the browser test failed:\n\(browser.stderr)")
        #expect(browser.stdout.contains("DONE"))
        #expect(FileManager.default.fileExists(atPath: shots + "/vip-ringing.png"))
        #expect(FileManager.default.fileExists(atPath: shots + "/after-restart.png"))
        if let keep = ProcessInfo.processInfo.environment["CALLHOOK_AGENT_SCREENSHOTS"], !keep.isEmpty {
            for name in ["vip-ringing", "vip-ringing-phone"] {
                try? FileManager.default.removeItem(atPath: keep + "/agent-\(name).png")
                try FileManager.default.copyItem(atPath: shots + "/\(name).png", toPath: keep + "/agent-\(name).png")
            }
        }
    }
}

/// A child process other than callhook (the Python browser driver), its
/// output in files.
final class BrowserDriver: Sendable {
    let process: SpawnedProcess
    let dir: URL

    init(_ executable: String, _ arguments: [String]) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callhook-child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        process = try SpawnedProcess(
            [executable] + arguments, stdout: .file(dir.appendingPathComponent("stdout").path),
            stderr: .file(dir.appendingPathComponent("stderr").path))
    }

    deinit {
        kill()
        try? FileManager.default.removeItem(at: dir)
    }

    var stdout: String { (try? String(contentsOf: dir.appendingPathComponent("stdout"), encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: dir.appendingPathComponent("stderr"), encoding: .utf8)) ?? "" }

    func kill() { process.signal(SIGKILL) }

    func waitForOutput(_ text: String, timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while !stdout.contains(text) {
            if !process.isRunning && !stdout.contains(text) {
                throw ProcessFailure(message: "the browser driver exited (\(process.terminationStatus ?? -1)):\n\(stderr)")
            }
            if ContinuousClock.now > deadline { throw ProcessFailure(message: "timed out waiting for \(text):\n\(stderr)") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline { return nil }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return process.terminationStatus
    }
}
