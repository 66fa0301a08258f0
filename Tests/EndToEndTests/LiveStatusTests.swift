import Foundation
import TestSupport
import Testing

/// `callhook run` shows its live summary line only when stderr is a terminal.
@Suite("callhook run: live summary line")
struct LiveStatusTests {
    static func scratch() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callhook-live-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static let env = "CRM_TOKEN=x SLACK_WEBHOOK_PATH=x ZAMMAD_CTI_TOKEN=x LOOKUP_TOKEN=x"

    static func run(_ dir: String) -> String {
        "\(env) timeout -s INT 4 '\(callhookBinary)' run --source simulator --listen 127.0.0.1:0 --rules '\(repositoryRoot.path)/Rules' --data '\(dir)/data'"
    }

    @Test("on a terminal (script(1) gives it one) the line shows source state, events, matches, deliveries, queue")
    func terminal() async throws {
        let dir = try Self.scratch()
        let r = try await ChildProcess.run(["script", "-qec", Self.run(dir), "/dev/null"], mergeErrors: true)
        #expect(r.output.contains("▶ simulator connected · calls "), "no live line:\n\(r.output)")
        for part in ["events ", "matches ", "deliveries ", "queue "] {
            #expect(r.output.contains(part), "the live line lacks \(part):\n\(r.output)")
        }
    }

    @Test("with stderr not a terminal there are plain log lines only")
    func notTerminal() async throws {
        let dir = try Self.scratch()
        let r = try await ChildProcess.run(["sh", "-c", Self.run(dir) + " 2>&1"], mergeErrors: true)
        #expect(r.output.contains("callhook running"), "\(r.output)")
        #expect(!r.output.contains("▶"), "a live line without a terminal:\n\(r.output)")
    }
}
