import Curl
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A working directory for `callhook run`: a rules directory, a
/// `callhook.toml` and a data directory, removed at the end.
final class DaemonSetup: Sendable {
    let dir: URL
    var rules: String { dir.appendingPathComponent("rules").path }
    var data: String { dir.appendingPathComponent("data").path }
    var config: String { dir.appendingPathComponent("callhook.toml").path }

    init(rules: String, config: String = "") throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callhook-daemon-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            atPath: dir.appendingPathComponent("rules").path, withIntermediateDirectories: true)
        try rules.write(toFile: self.rules + "/rules.toml", atomically: true, encoding: .utf8)
        try config.write(toFile: self.config, atomically: true, encoding: .utf8)
    }

    deinit { try? FileManager.default.removeItem(at: dir) }

    func write(_ text: String, to name: String) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// `callhook run --config … --listen 127.0.0.1:0`; returns once it
    /// listens, with the port of its server.
    func startDaemon(_ extra: [String] = [], environment: [String: String] = [:]) async throws -> (CallhookProcess, Int) {
        let p = try CallhookProcess(
            ["run", "--config", config, "--listen", "127.0.0.1:0", "--log-level", "debug"] + extra, environment: environment)
        try await p.waitForOutput { _, err in err.contains("callhook running") }
        let err = p.stderr
        let start = try #require(err.range(of: "listen=127.0.0.1:"))
        let port = try #require(Int(err[start.upperBound...].prefix { $0.isNumber }))
        return (p, port)
    }

    /// Plays `script` (simulator script lines) on `callhook sim` and starts
    /// `callhook run` with `kind = "nfon"` against it; returns both
    /// processes and the daemon's server port.
    func startAgainstSimulator(
        _ script: [String], simFlags: [String] = [], nfon: String = ""
    ) async throws -> (sim: CallhookProcess, daemon: CallhookProcess, port: Int) {
        let path = try write(script.joined(separator: "\n"), to: "calls.jsonl")
        let (sim, base) = try await startScriptedSimulator(script: path, extra: simFlags)
        try nfonConfig(base: base, extra: nfon).write(toFile: config, atomically: true, encoding: .utf8)
        let (daemon, port) = try await startDaemon()
        return (sim, daemon, port)
    }

    /// Runs `callhook queue …` against this setup's queue.
    func queue(_ args: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await CallhookProcess.run(["queue"] + args + ["--config", config])
    }
}

/// `callhook sim --script FILE`: returns the process and its base URL.
func startScriptedSimulator(script: String, extra: [String] = []) async throws -> (CallhookProcess, String) {
    let sim = try CallhookProcess(["sim", "--listen", "127.0.0.1:0", "--script", script] + extra)
    try await sim.waitForOutput { _, err in err.contains("/v1 (") }
    let err = sim.stderr
    let start = try #require(err.range(of: "http://"))
    return (sim, String(err[start.lowerBound...].prefix { $0 != " " }))
}

/// Lines of a simulator script (NFON call objects).
enum Script {
    /// Ring events of calls 1…`calls`, `spacing` ms apart.
    static func rings(_ calls: Int, spacing: Int = 0) -> [String] {
        (1...calls).map { call(uuid($0), "ring", at: $0 * spacing) }
    }

    /// One call object of tenant K1234, `ms` after 09:00 on a Tuesday.
    static func call(
        _ uuid: String, _ state: String, ext: String = "100", caller: String = "4989123456", at ms: Int, error: String? = nil
    ) -> String {
        let s = ms / 1000
        let stamp = String(format: "2026-11-17T09:%02d:%02d.%03dZ", s / 60, s % 60, ms % 1000)
        var o =
            #"{"uuid":"\#(uuid)","state":"\#(state)","caller":"\#(caller)","caller_context":"global","callee":"\#(ext)","callee_context":"K1234","direction":"inbound","extension":"\#(ext)","customer":"K1234","updated":"\#(stamp)""#
        if let error { o += #","error":"\#(error)""# }
        return o + "}"
    }

    static func uuid(_ n: Int) -> String { String(format: "00000000-0000-4000-8000-%012d", n) }
}

/// The NFON part of a `callhook.toml` pointing at a simulator.
func nfonConfig(base: String, extra: String = "") -> String {
    """
    rules = "rules"
    data = "data"

    [source]
    kind = "nfon"

    [source.nfon]
    base_url = "\(base)"
    username = "callhook-test"
    password = "not-a-real-password"
    account = "K1234"
    line_states = false
    \(extra)
    """
}

/// GET on the daemon's server.
func httpGet(_ port: Int, _ path: String) async throws -> HTTPResponse {
    let client = HTTPClient()
    defer { client.shutdown() }
    return try await client.execute(HTTPRequest(url: "http://127.0.0.1:\(port)\(path)"))
}

/// Waits until `condition` holds, checking every 20 ms.
func eventually(
    timeout: Duration = .seconds(30), _ what: String, _ condition: @Sendable () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while !(try await condition()) {
        if ContinuousClock.now > deadline { throw ProcessFailure(message: "timed out waiting for: \(what)") }
        try await Task.sleep(for: .milliseconds(20))
    }
}
