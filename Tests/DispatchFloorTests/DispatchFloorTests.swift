import CDispatchFloor
import CSQLite
import Foundation
import TestSupport
import Testing

/// The C pipeline behind the benchmark's P3-C row: every delivery is
/// committed, sent once and marked delivered; a failing sink or bad
/// parameters end it with an error, never a hang.
@Suite("P3's pipeline in C (the benchmark's upper bound for P3)")
struct DispatchFloorTests {
    static let body = Array(#"{"event":"ring"}"#.utf8)

    struct Outcome: Sendable {
        var status: Int32
        var rate: Double
        var cpu: Double
        var error: String
    }

    static func run(
        url: String, db: String, count: Int32 = 500, inFlight: Int32 = 8, batch: Int32 = 50, window: Int32 = 100,
        timeoutMilliseconds: Int = 30_000
    ) async throws -> Outcome {
        try await offThePool {
            var result = callhook_floor_result()
            var error = [CChar](repeating: 0, count: 512)
            let status = body.withUnsafeBufferPointer { b in
                b.withMemoryRebound(to: CChar.self) { text in
                    callhook_dispatch_floor(
                        url, db, count, inFlight, batch, window, timeoutMilliseconds, text.baseAddress, text.count, &result,
                        &error, error.count)
                }
            }
            let message = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return Outcome(
                status: status, rate: result.deliveries_per_second, cpu: result.cpu_us_per_delivery, error: message)
        }
    }

    static func scratch() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dispatch-floor-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.path
    }

    /// `SELECT` answers of one integer from the pipeline's SQLite file.
    static func count(_ db: String, _ sql: String) -> Int64 {
        var handle: OpaquePointer?
        guard sqlite3_open(db, &handle) == SQLITE_OK else { return -1 }
        defer { sqlite3_close(handle) }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK else { return -1 }
        defer { sqlite3_finalize(statement) }
        return sqlite3_step(statement) == SQLITE_ROW ? sqlite3_column_int64(statement, 0) : -1
    }

    @Test("500 deliveries: each POSTed once with the body, each stored under its own id and marked delivered")
    func deliversEveryOneOnce() async throws {
        let server = try await TestHTTPServer.start { _ in CannedResponse(status: 204) }
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/queue.sqlite"
        let out = try await Self.run(url: "\(server.base)/sink", db: db)
        await server.stop()
        #expect(out.status == 0, "\(out.error)")
        #expect(out.rate > 0 && out.cpu > 0)
        let requests = server.requests
        #expect(requests.count == 500)
        #expect(requests.allSatisfy { $0.method == "POST" && $0.uri == "/sink" && $0.body == Self.body })
        #expect(Self.count(db, "SELECT count(*) FROM delivery WHERE status = 'delivered'") == 500)
        #expect(Self.count(db, "SELECT count(*) FROM delivery") == 500)
    }

    @Test("a sink that answers 500 ends the run with an error")
    func failingSink() async throws {
        let server = try await TestHTTPServer.start { _ in CannedResponse(status: 500) }
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = try await Self.run(url: "\(server.base)/sink", db: dir + "/queue.sqlite")
        await server.stop()
        #expect(out.status == -1)
        #expect(out.error.contains("answered 500"), "\(out.error)")
    }

    @Test("a sink that never answers ends the run with an error once a transfer times out")
    func silentSink() async throws {
        let server = try await TestHTTPServer.start { _ in CannedResponse(hang: true) }
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = try await Self.run(url: "\(server.base)/sink", db: dir + "/queue.sqlite", timeoutMilliseconds: 200)
        await server.stop()
        #expect(out.status == -1)
        #expect(out.error.contains("imeout") || out.error.contains("timed out"), "\(out.error)")
    }

    @Test("a refused connection ends the run with an error")
    func refused() async throws {
        let port = try RefusingPort()
        defer { port.release() }
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = try await Self.run(url: "http://127.0.0.1:\(port.port)/sink", db: dir + "/queue.sqlite")
        #expect(out.status == -1)
        #expect(out.error.contains("connect"), "\(out.error)")
    }

    @Test("a count, concurrency, batch, window or timeout below 1 is refused before anything starts")
    func badParameters() async throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/queue.sqlite"
        let cases: [(Int32, Int32, Int32, Int32, Int)] = [
            (0, 8, 50, 100, 1000), (10, 0, 50, 100, 1000), (10, 8, 0, 100, 1000), (10, 8, 50, 0, 1000), (10, 8, 50, 100, 0),
        ]
        for (count, inFlight, batch, window, timeout) in cases {
            let out = try await Self.run(
                url: "http://127.0.0.1:9/sink", db: db, count: count, inFlight: inFlight, batch: batch, window: window,
                timeoutMilliseconds: timeout)
            #expect(out.status == -1)
            #expect(out.error.contains("at least 1"), "\(out.error)")
        }
        #expect(!FileManager.default.fileExists(atPath: db))
    }
}
