import Foundation
import Testing

@Suite("callhook test --lookup")
struct DryRunLookupTests {
    @Test("answers from a file fill names, companies, the gold-customer class and contactCrmId, with no network")
    func lookupFile() async throws {
        let r = try await CallhookProcess.run([
            "test", "--rules", "Rules", "--lookup", "docs/examples/lookup-answers.json", "docs/examples/recorded-calls.jsonl",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("class gold-customer, ringtone gold"))
        #expect(r.stdout.contains(#""name":"Alexa Holiday","company":"White Cross Co","class":"gold-customer""#))
        #expect(r.stdout.contains(#""contactCrmId":"C-17","userCrmId":"crm-user-101""#))
        // `[]`: not found, the number only.
        #expect(r.stdout.contains(#""from":"+49891234567","name":"+49891234567""#))
    }

    @Test("an unreadable lookup file is an error naming the file")
    func badFile() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callhook-lookup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("answers.json").path
        try #"{"4940123456": {"Name": "not an array"}}"#.write(toFile: path, atomically: true, encoding: .utf8)
        let r = try await CallhookProcess.run(["test", "--lookup", path, "docs/examples/recorded-calls.jsonl"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("answers.json: error: 4940123456"))
    }
}
