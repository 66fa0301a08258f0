import Foundation
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `inputs.id` of a workflow request body: the id, "null", or "" when absent.
func workflowID(_ body: String) -> String {
    guard let inputs = jsonObject(body)["inputs"] as? [String: Any], let id = inputs["id"] else { return "" }
    return id is NSNull ? "null" : (id as? String ?? "")
}

@Suite struct WorkflowChainEndToEndTests {
    static func rules(_ base: String) -> String {
        """
        [target.crm]
        url = "\(base)/api"
        user_ids = { "100" = "crm-user-17" }
        retry = { attempts = 30, initial = "200ms", factor = 1.0, max = "200ms" }

        [[rule]]
        name = "flow"
        on = ["incoming", "answered", "ended"]
        [[rule.workflow]]
        target = "crm"
        name = "CallFlow"

        [[rule]]
        name = "after"
        on = ["ended"]
        [[rule.webhook]]
        target = "crm"
        path = "/after"
        json = { url = "{{call.vars.workflow_url}}", id = "{{call.vars.workflow_id}}" }
        """
    }

    static func call() -> [String] {
        let u = Script.uuid(1)
        return [Script.call(u, "ring", at: 0), Script.call(u, "answer", at: 100), Script.call(u, "hangup", at: 200)]
    }

    /// Three workflows of one call: null, then the first answer's id, then
    /// the latest — the later two queued while the first was still unanswered.
    @Test func workflowIDsChainWhenQueuedBeforeTheAnswer() async throws {
        let arrivals = Arrivals()
        let count = Atomic<Int>(0)
        let server = try await TestHTTPServer.start(threads: 2) { r in
            arrivals.record(r)
            guard r.uri.hasSuffix("/CallFlow") else { return .json("{}") }
            let n = count.add(1, ordering: .relaxed).newValue
            return .json(
                #"{"id":"CF-\#(n)","url":"https://crm.example.com/callflows/CF-\#(n)"}"#,
                afterMilliseconds: n == 1 ? 1500 : 0)
        }
        defer { Task { await server.stop() } }
        let setup = try DaemonSetup(rules: Self.rules(server.base))
        let (sim, daemon, _) = try await setup.startAgainstSimulator(Self.call())
        defer {
            sim.signal(SIGKILL)
            daemon.signal(SIGKILL)
        }
        try await eventually("3 workflows and the webhook after them") { arrivals.all.count >= 4 }
        let flows = arrivals.on("/api/CallFlow")
        #expect(flows.map { workflowID($0.body) } == ["null", "CF-1", "CF-2"])
        let inputs = jsonObject(flows[0].body)["inputs"] as? [String: Any]
        #expect(inputs?["userCrmId"] as? String == "crm-user-17")
        let after = try #require(arrivals.on("/api/after").first)
        #expect(jsonObject(after.body)["url"] as? String == "https://crm.example.com/callflows/CF-3")
        #expect(jsonObject(after.body)["id"] as? String == "CF-3")
    }

    /// The id survives a restart: the second workflow, failing when the
    /// daemon is killed, carries the first answer's id after the restart.
    @Test func workflowIDsChainAcrossARestart() async throws {
        let arrivals = Arrivals()
        let blocked = Atomic<Bool>(true)
        let answered = Atomic<Int>(0)
        let server = try await TestHTTPServer.start(threads: 2) { r in
            arrivals.record(r)
            guard r.uri.hasSuffix("/CallFlow") else { return .json("{}") }
            if answered.load(ordering: .relaxed) >= 1 && blocked.load(ordering: .relaxed) {
                return .json("{}", status: 503)
            }
            let n = answered.add(1, ordering: .relaxed).newValue
            return .json(#"{"Id":"CF-\#(n)"}"#)
        }
        defer { Task { await server.stop() } }
        let setup = try DaemonSetup(rules: Self.rules(server.base))
        let (sim, daemon, _) = try await setup.startAgainstSimulator(Self.call())
        defer { sim.signal(SIGKILL) }
        // The second is refused twice, so every event of the call is queued by now.
        try await eventually("the second workflow refused") { arrivals.on("/api/CallFlow").count >= 3 }
        daemon.signal(SIGKILL)
        _ = await daemon.waitForExit()
        blocked.store(false, ordering: .relaxed)
        let (restarted, _) = try await setup.startDaemon(["--source", "none"])
        defer { restarted.signal(SIGKILL) }
        try await eventually("the workflows after the restart") {
            arrivals.on("/api/CallFlow").filter { workflowID($0.body) == "CF-2" }.count >= 1
        }
        let delivered = arrivals.on("/api/CallFlow").map { workflowID($0.body) }
        #expect(delivered.first == "null")
        #expect(delivered.dropFirst().dropLast().allSatisfy { $0 == "CF-1" })
        #expect(delivered.last == "CF-2")
    }
}
