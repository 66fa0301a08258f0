import Calls
import Delivery
import Foundation
import Logging
import RuleEngine
import TestSupport
import Testing

@testable import PostgresQueue

/// The stores every contract test runs against.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// A fresh, empty queue and what removes it.
    func make() async throws -> (any DeliveryStore, @Sendable () -> Void) {
        switch self {
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callhook-store-\(UUID().uuidString)")
            let store = try SQLiteDeliveryStore(path: dir.appendingPathComponent("queue.sqlite").path)
            return (store, { try? FileManager.default.removeItem(at: dir) })
        case .postgres:
            // TLS has a test of its own (TLSTests); plain connections here.
            let url = try await PostgresCluster.shared().createDatabase() + "?sslmode=disable"
            let store = try await PostgresDeliveryStore(url: url, logger: Logger(label: "test"))
            store.startPool()
            return (store, {})
        }
    }
}

/// A second instance on the same PostgreSQL database.
func postgresPair(lease: Duration = .seconds(30)) async throws -> (PostgresDeliveryStore, PostgresDeliveryStore) {
    let url = try await PostgresCluster.shared().createDatabase() + "?sslmode=disable"
    let a = try await PostgresDeliveryStore(url: url, lease: lease, logger: Logger(label: "a"))
    let b = try await PostgresDeliveryStore(url: url, lease: lease, logger: Logger(label: "b"))
    a.startPool()
    b.startPool()
    return (a, b)
}

func request(_ id: String, target: String = "crm", call: String = "c1", order: String? = nil) -> RenderedRequest {
    var r = RenderedRequest(
        deliveryID: id, rule: "r", target: target, phase: .incoming, callID: call, leg: nil, method: "POST",
        url: "http://127.0.0.1:9/x", headers: [("Content-Type", "application/json"), ("Authorization", "Bearer s")],
        body: Array("{}".utf8), eventTime: EventTime(nanoseconds: 1))
    r.orderKey = order ?? "call|\(call)|\(target)"
    return r
}

func inserts(_ requests: [RenderedRequest], now: Int64 = 0) -> StoreBatch {
    var b = StoreBatch()
    b.inserts = requests.map { Delivery($0, now: now) }
    return b
}

func outcome(
    _ id: String, _ status: DeliveryStatus, attempts: Int, next: Int64 = 0, code: Int? = nil, error: String? = nil,
    finished: Int64? = nil, response: [UInt8] = []
) -> StoreBatch {
    var b = StoreBatch()
    b.outcomes = [
        .init(
            id: id, status: status, attempts: attempts, nextAttemptAt: next, lastStatus: code, lastError: error,
            finishedAt: finished,
            attempt: Attempt(
                number: attempts, startedAt: next, durationSeconds: 0.01, status: code, error: error, response: response))
    ]
    return b
}
