import Curl
import Foundation
import Logging
import RuleEngine
import Testing

@testable import Delivery

/// Reading a call's captured values fails.
private struct ReadFailed: Error {}

@Suite struct CallVarsReadFailureTests {
    @Test func aFailedCallVarsReadRetriesInsteadOfSendingEmptyValues() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callhook-vars-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let base = try SQLiteDeliveryStore(path: dir.appendingPathComponent("queue.sqlite").path)
        let rules = try RuleLoader.load(
            [
                RuleLoader.File(
                    path: "t.toml",
                    text: """
                        [target.crm]
                        url = "http://127.0.0.1:9"
                        retry = { attempts = 100, initial = "50ms", factor = 1.0, max = "50ms" }
                        """)
            ], environment: [:]
        ).get()
        // A row that reads the call's captured values before it is sent.
        var row = Delivery(request("v1", target: "crm"), now: 0)
        row.usesCallVars = true
        var batch = StoreBatch()
        batch.inserts = [row]
        try await base.commit(batch)

        let client = HTTPClient()
        defer { client.shutdown() }
        let dispatcher = Dispatcher(
            store: ForwardingStore(base: base, callVars: { _ in throw ReadFailed() }), client: client, targets: rules.targets,
            version: "test",
            logger: Logger(label: "test"))
        let running = Task { try await dispatcher.run() }
        defer { running.cancel() }
        let deadline = ContinuousClock.now + .seconds(120)
        var seen: Delivery?
        while ContinuousClock.now < deadline {
            if let d = try await base.delivery(id: "v1")?.0, d.attempts >= 2 {
                seen = d
                break
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let d = try #require(seen, "the delivery was not retried")
        #expect(d.status == .pending)
        #expect(d.lastError?.contains("call.vars") == true, "\(d.lastError ?? "nil")")
        // No attempt went out on the wire: each failed before sending.
        let attempts = try #require(try await base.delivery(id: "v1")).1
        #expect(attempts.allSatisfy { $0.error?.contains("call.vars") == true })
    }
}
