import Foundation
import Testing

/// `callhook check` points at the line of every problem, not only syntax errors.
@Suite("callhook check: FILE:LINE:COLUMN on every problem")
struct CheckPositionTests {
    static let target = ["[target.crm]", "url = \"https://crm.example.com\""]
    static let rule = target + ["[[rule]]", "name = \"a\"", "on = [\"ended\"]"]

    /// Runs `callhook check` on one rules file whose line 12 is `bad`.
    func check(_ head: [String], _ bad: String) async throws -> (status: Int32, lines: [String], path: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callhook-pos-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let pad = Array(repeating: "# padding", count: 11 - head.count)
        let path = dir.appendingPathComponent("r.toml").path
        try ((head + pad + [bad]).joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let r = try await CallhookProcess.run(["check", "--rules", dir.path])
        return (r.status, r.stdout.split(separator: "\n").map(String.init), path)
    }

    @Test func unknownKeyInARuleOnLine12() async throws {
        let r = try await check(Self.rule, "stpo = true")
        #expect(r.status == 1)
        #expect(r.lines == [#"\#(r.path):12:1: error: rule "a": stpo: unknown key; did you mean `stop`?"#])
    }

    @Test func unknownKeyInATargetOnLine12() async throws {
        let r = try await check(Self.target, "timout = \"5s\"")
        #expect(r.status == 1)
        #expect(r.lines == [#"\#(r.path):12:1: error: target "crm": timout: unknown key; did you mean `timeout`?"#])
    }

    @Test func unknownKeyInAWebhookOnLine12() async throws {
        let r = try await check(Self.rule + ["[[rule.webhook]]", "target = \"crm\""], "jsno = { a = 1 }")
        #expect(r.status == 1)
        #expect(r.lines == [#"\#(r.path):12:1: error: rule "a": webhook.jsno: unknown key; did you mean `json`?"#])
    }

    @Test func stopYesIsAnErrorOnLine12() async throws {
        let r = try await check(Self.rule, "stop = \"yes\"")
        #expect(r.status == 1)
        #expect(r.lines == [#"\#(r.path):12:1: error: rule "a": stop: must be true or false, not a string"#])
    }

    @Test func dottedKeyWith100000PartsIsACheckErrorNotASegfault() async throws {
        let r = try await check([], Array(repeating: "a", count: 100_000).joined(separator: ".") + " = 1")
        #expect(r.status == 1)
        #expect(r.lines.count == 1)
        #expect(r.lines.first?.hasPrefix("\(r.path):12:1: error: ") == true)
    }

    @Test func demoDurationInfIsAUsageErrorNotATrap() async throws {
        let r = try await CallhookProcess.run(["demo", "--duration", "inf", "--listen", "127.0.0.1:0"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("--duration"))
    }
}
