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

    @Test("shows looked-up names and companies, the gold-customer class and a chained CallFlow workflow")
    func lookupAndWorkflowChain() async throws {
        let demo = try CallhookProcess(["demo", "--rate", "4/s"])
        defer { demo.signal(SIGKILL) }
        try await demo.waitForOutput(timeout: .seconds(150)) { out, _ in
            out.contains("\"class\" : \"gold-customer\"") && Self.chainedWorkflow(out) != nil
        }
        demo.signal(SIGINT)
        #expect(await demo.waitForExit(timeout: .seconds(15)) == 0, "\(demo.stderr)")
        let out = demo.stdout
        // The simulator's lookup service names the callers of the pop-ups.
        #expect(out.contains("\"company\" : \""), "no looked-up company in:\n\(out.suffix(3000))")
        let chain = try #require(Self.chainedWorkflow(out))
        #expect(chain.first.contains("\"id\" : null"), "the first request of the chain: \(chain.first)")
        #expect(chain.first.contains("answered {\"id\":\"\(chain.id)\""))
        #expect(chain.second.contains("\"id\" : \"\(chain.id)\""))
    }

    /// The sink's printout of a CallFlow request whose `inputs.id` is the id
    /// the sink answered to an earlier one, with that earlier printout.
    static func chainedWorkflow(_ out: String) -> (first: String, second: String, id: String)? {
        let flows = out.components(separatedBy: "── #").filter { $0.contains(" /crm-flow/api/CallFlow") }
        var answeredBy: [String: String] = [:]
        for flow in flows {
            if let r = flow.range(of: "\"id\" : \"CF-") {
                let id = "CF-" + flow[r.upperBound...].prefix { $0.isNumber }
                if let first = answeredBy[id] { return (first, flow, id) }
            }
            if let r = flow.range(of: "answered {\"id\":\"CF-") {
                answeredBy["CF-" + flow[r.upperBound...].prefix { $0.isNumber }] = flow
            }
        }
        return nil
    }
}
