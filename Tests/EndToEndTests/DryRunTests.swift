import Foundation
import Testing

@Suite("callhook test (dry run)")
struct DryRunTests {
    @Test("the documented example: phases, classes, matched rules and rendered requests, secrets masked")
    func documentedExample() async throws {
        let r = try await CallhookProcess.run(
            ["test", "--rules", "Rules", "docs/examples/recorded-calls.jsonl"],
            environment: ["CRM_TOKEN": "sekret-crm-token", "ZAMMAD_CTI_TOKEN": "zammad-tok", "SLACK_WEBHOOK_PATH": "T0/B0/xyz"])
        #expect(r.status == 0, "\(r.stderr)")
        let out = r.stdout
        #expect(
            out.contains("recorded-calls.jsonl:2: incoming  call 6f1c0a3e-0000-4000-8000-000000000001  extension 100  inbound"))
        #expect(out.contains("class vip, ringtone vip, alert_info <urn:alert:service:vip>"))
        #expect(out.contains("rules: missed-vip-to-slack"), "a VIP missed on a Tuesday at 09:15 Berlin time")
        #expect(out.contains("cause=noAnswer&direction=in&event=hangup"))
        #expect(out.contains("cause=busy&direction=out&event=hangup"))
        #expect(out.contains("line idle → ringing"))
        #expect(out.contains("9 phases fired"))
        // Secrets never appear.
        for secret in ["sekret-crm-token", "zammad-tok", "T0/B0/xyz"] { #expect(!out.contains(secret), "\(secret) leaked") }
        #expect(out.contains("https://zammad.example.com/api/v1/cti/***"))
        #expect(out.contains("Authorization: ***"))
    }

    @Test("--json is machine-readable")
    func json() async throws {
        let r = try await CallhookProcess.run(["test", "--json", "docs/examples/recorded-calls.jsonl"])
        #expect(r.status == 0)
        let steps = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        #expect(steps.count == 9)
        #expect(
            steps.map { $0["phase"] as? String } == [
                "incoming", "ended", "missed", "incoming", "answered", "ended", "outgoing", "ended", "line",
            ])
        #expect(steps[0]["class"] as? String == "vip")
    }

    @Test("a malformed event line is exit 1 with file and line")
    func malformed() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("callhook-bad-\(UUID().uuidString).jsonl")
        try "{\"uuid\":\"a\",\"state\":\"ring\"}\nnot json\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let r = try await CallhookProcess.run(["test", file.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("\(file.path):2: error: not a JSON object"))
    }
}
