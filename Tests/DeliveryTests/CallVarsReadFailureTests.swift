import Curl
import Foundation
import Logging
import RuleEngine
import Testing

@testable import Delivery

/// A queue whose captured values cannot be read (the read fails), otherwise
/// the real SQLite store.
private struct UnreadableCallVars: DeliveryStore {
    let base: SQLiteDeliveryStore
    struct ReadFailed: Error {}

    func isWritable() async -> Bool { await base.isWritable() }
    func commit(_ batch: StoreBatch) async throws -> Int { try await base.commit(batch) }
    func due(target: String, now: Int64, limit: Int, skipping: Set<Int64>) async throws -> [Delivery] {
        try await base.due(target: target, now: now, limit: limit, skipping: skipping)
    }
    func pendingTargets() async throws -> [String] { try await base.pendingTargets() }
    func pendingCountsByTarget() async throws -> [String: Int] { try await base.pendingCountsByTarget() }
    func nextDue(after now: Int64) async throws -> Int64? { try await base.nextDue(after: now) }
    func counts() async throws -> [DeliveryStatus: Int] { try await base.counts() }
    func callVars(callID: String) async throws -> [String: String] { throw ReadFailed() }
    func list(status: DeliveryStatus?, limit: Int) async throws -> [Delivery] {
        try await base.list(status: status, limit: limit)
    }
    func delivery(id: String) async throws -> (Delivery, [Attempt])? { try await base.delivery(id: id) }
    func retry(ids: [String], now: Int64) async throws -> Int { try await base.retry(ids: ids, now: now) }
    func retarget(ids: [String], to target: String, now: Int64) async throws -> Int {
        try await base.retarget(ids: ids, to: target, now: now)
    }
    func retryDead(now: Int64) async throws -> Int { try await base.retryDead(now: now) }
    func page(_ filter: DeliveryFilter, beforeSeq: Int64?, limit: Int) async throws -> [Delivery] {
        try await base.page(filter, beforeSeq: beforeSeq, limit: limit)
    }
    func retryDead(target: String?, now: Int64) async throws -> Int { try await base.retryDead(target: target, now: now) }
    func purgeDead(before: Int64?) async throws -> Int { try await base.purgeDead(before: before) }
    func purgeOrphaned(known: Set<String>) async throws -> Int { try await base.purgeOrphaned(known: known) }
    func prune(before: Int64, limit: Int) async throws -> (deliveries: Int, more: Bool) {
        try await base.prune(before: before, limit: limit)
    }
}

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
            store: UnreadableCallVars(base: base), client: client, targets: rules.targets, version: "test",
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
