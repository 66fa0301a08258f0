import Foundation
import Testing

/// `callhook test` with a recording whose hang-ups are missing: the replay
/// clock ends those legs as `lost` (docs/rules.md, "No call is left open").
@Suite("callhook test: calls with no hang-up")
struct DryRunLostTests {
    static let rules = """
        [target.crm]
        url = "https://crm.example.com/calls"

        [[rule]]
        name = "lost-log"
        on = ["ended"]
        when = { cause = "lost" }
        [[rule.webhook]]
        target = "crm"
        json = { call = "{{call.id}}", cause = "{{call.cause}}", reconciled = "{{call.reconciled}}", ended_at = "{{call.ended_at}}" }

        [[rule]]
        name = "missed"
        on = ["missed"]
        """

    static func line(_ uuid: String, _ state: String, _ time: String, ext: String = "100") -> String {
        #"{"uuid":"\#(uuid)","state":"\#(state)","caller":"4989123456","caller_context":"global","callee":"\#(ext)","callee_context":"K1","direction":"inbound","extension":"\#(ext)","customer":"K1","updated":"2026-11-17T\#(time)Z"}"#
    }

    @Test("a ring with no hang-up ends as lost when the replay time passes max_ring; an answered one at the end of the file")
    func ringWithoutHangup() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callhook-lost-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("rules"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.rules.write(to: dir.appendingPathComponent("rules/rules.toml"), atomically: true, encoding: .utf8)
        let events = [
            Self.line("r1", "ring", "10:00:00"),
            Self.line("a1", "ring", "10:00:05", ext: "101"),
            Self.line("a1", "answer", "10:00:08", ext: "101"),
            Self.line("x1", "ring", "10:12:00", ext: "102"),
            Self.line("x1", "hangup", "10:12:30", ext: "102"),
        ]
        let file = dir.appendingPathComponent("calls.jsonl")
        try events.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)

        let r = try await CallhookProcess.run(["test", "--rules", dir.appendingPathComponent("rules").path, file.path])
        #expect(r.status == 0, "\(r.stderr)")
        let out = r.stdout
        #expect(
            out.contains(
                "calls.jsonl:4: ended  call r1  extension 100  inbound  (lost: no event for max_ring 10m; ended_at approximate)"))
        #expect(out.contains(#""ended_at":"2026-11-17T10:10:00Z""#))
        #expect(
            out.contains(
                "calls.jsonl:end: ended  call a1  extension 101  inbound  (lost: no event for max_talk 12h, at the end of the file; ended_at approximate)"
            ))
        #expect(out.contains(#""ended_at":"2026-11-17T22:00:08Z""#))
        // r1 and a1 never fire `missed`; x1's real hang-up does.
        #expect(out.components(separatedBy: ": missed  call").count - 1 == 1)
        #expect(out.contains("calls.jsonl:5: missed  call x1"))

        let json = try await CallhookProcess.run([
            "test", "--json", "--rules", dir.appendingPathComponent("rules").path, file.path,
        ])
        let steps = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        let lost = steps.filter { $0["cause"] as? String == "lost" }
        #expect(lost.map { $0["call"] as? String } == ["r1", "a1"])
        #expect(lost.map { $0["reconciled"] as? String } == ["max_ring", "max_talk"])
        #expect(lost.last?["at_end"] as? Bool == true)
    }
}
