import Foundation
import Testing

@Suite("callhook demo")
struct DemoTests {
    @Test("shows simulated calls and the sink printing callbacks; Ctrl-C stops it cleanly")
    func demo() async throws {
        let demo = try CallhookProcess(["demo", "--rate", "4/s"])
        // Callbacks printed by the sink, with their JSON bodies.
        try await demo.waitForOutput(timeout: .seconds(60)) { out, _ in
            out.components(separatedBy: "── #").count > 4 && out.contains("\"call_id\"")
        }
        demo.signal(SIGINT)
        let status = await demo.waitForExit(timeout: .seconds(15))
        #expect(status == 0, "\(demo.stderr)")
        let out = demo.stdout
        #expect(out.contains("POST /crm/api/popup"))
        #expect(out.contains("demo stopped:"))
        #expect(!demo.stderr.contains(" error "), "\(demo.stderr)")
    }

    @Test("--duration stops by itself with exit 0 and a summary")
    func duration() async throws {
        let r = try await CallhookProcess.run(["demo", "--duration", "2s", "--rate", "5/s"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("demo stopped:"))
        #expect(r.stdout.contains("calls "), "the summary line is printed")
    }
}
