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

    @Test("{{delivery.id}} shows the id the daemon derives: a version-8 UUID, one per request, the same on every run")
    func deliveryIDsAreTheDerivedOnes() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callhook-dry-ids-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try """
        [target.sink]
        url = "http://127.0.0.1:9"

        [[rule]]
        name = "ids"
        on = ["incoming"]
        [[rule.webhook]]
        target = "sink"
        json = { id = "{{delivery.id}}" }
        """.write(to: dir.appendingPathComponent("ids.toml"), atomically: true, encoding: .utf8)
        let events = dir.appendingPathComponent("calls.jsonl")
        try """
        {"uuid":"c-1","state":"ring","direction":"inbound","caller":"+4989123","callee":"100","extension":"100","customer":"K1234","updated":"2026-12-01T09:00:00Z"}
        {"uuid":"c-2","state":"ring","direction":"inbound","caller":"+4989124","callee":"101","extension":"101","customer":"K1234","updated":"2026-12-01T09:00:01Z"}
        """.write(to: events, atomically: true, encoding: .utf8)
        func ids() async throws -> [String] {
            let r = try await CallhookProcess.run(["test", "--json", "--rules", dir.path, events.path])
            #expect(r.status == 0, "\(r.stderr)")
            let steps = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
            return steps.flatMap { ($0["requests"] as? [[String: Any]]) ?? [] }.compactMap { request in
                (request["body"] as? String).flatMap {
                    try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
                }?[
                    "id"] as? String
            }
        }
        let first = try await ids()
        #expect(first.count == 2 && Set(first).count == 2, "\(first)")
        for id in first {
            #expect(UUID(uuidString: id) != nil && Array(id)[14] == "8", "not a version-8 UUID: \(id)")
        }
        #expect(try await ids() == first, "the ids changed between two runs")
    }
}
