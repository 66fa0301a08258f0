import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `callhook run` shows its live summary line only when stderr is a terminal.
@Suite("callhook run: live summary line")
struct LiveStatusTests {
    static func scratch() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callhook-live-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static let env = "CRM_TOKEN=x SLACK_WEBHOOK_PATH=x ZAMMAD_CTI_TOKEN=x LOOKUP_TOKEN=x"

    static func daemon(_ dir: String) -> String {
        "'\(callhookBinary)' run --source simulator --listen 127.0.0.1:0 --rules '\(repositoryRoot.path)/Rules' --data '\(dir)/data'"
    }

    @Test("on a terminal (script(1) gives it one) the line shows source state, events, matches, deliveries, queue")
    func terminal() async throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // script(1) writes the terminal session to `typescript` as it goes;
        // the daemon runs until the line is there (no guess at how long its
        // start takes), then SIGINT reaches it through timeout(1), whose pid
        // the shell wrote down.
        let typescript = dir + "/typescript"
        let command = "echo $$ > '\(dir)/pid'; exec env \(Self.env) timeout -s INT 120 " + Self.daemon(dir)
        let script = try SpawnedProcess(["script", "-qfec", command, typescript])
        defer { script.signal(SIGKILL) }
        let parts = ["▶ simulator connected · calls ", "events ", "matches ", "deliveries ", "queue "]
        @Sendable func output() -> String { (try? String(contentsOfFile: typescript, encoding: .utf8)) ?? "" }
        do {
            try await eventually(timeout: .seconds(60), "the live line") {
                let text = output()
                return parts.allSatisfy { text.contains($0) } || !script.isRunning
            }
        } catch {
            Issue.record("no live line:\n\(output())")
        }
        let text = output()
        for part in parts { #expect(text.contains(part), "the live line lacks \(part):\n\(text)") }
        if let pid = Int32(
            (try? String(contentsOfFile: dir + "/pid", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "")
        {
            kill(pid, SIGINT)
        }
        try await eventually(timeout: .seconds(30), "callhook to stop on SIGINT") { !script.isRunning }
    }

    @Test("with stderr not a terminal there are plain log lines only, also at shutdown")
    func notTerminal() async throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // stderr is a file here. On a terminal the line is drawn from the
        // start and once more at shutdown (`LiveStatus`), so running until
        // callhook is up, then stopping it, is enough to see one.
        let env = ["CRM_TOKEN": "x", "SLACK_WEBHOOK_PATH": "x", "ZAMMAD_CTI_TOKEN": "x", "LOOKUP_TOKEN": "x"]
        let p = try CallhookProcess(
            [
                "run", "--source", "simulator", "--listen", "127.0.0.1:0", "--rules", repositoryRoot.path + "/Rules", "--data",
                dir + "/data",
            ], environment: env)
        defer { p.signal(SIGKILL) }
        try await p.waitForOutput(timeout: .seconds(60)) { _, err in err.contains("callhook running") }
        p.signal(SIGINT)
        let status = await p.waitForExit()
        #expect(status == 0, "\(p.stderr)")
        #expect(p.stderr.contains("callhook running"), "\(p.stderr)")
        #expect(!p.stderr.contains("▶") && !p.stdout.contains("▶"), "a live line without a terminal:\n\(p.stderr)")
    }
}
