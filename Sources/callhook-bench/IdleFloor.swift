import Curl
import Delivery
import Foundation

/// P6's floor: this build's libraries, each started as `callhook run` starts
/// it, and nothing of callhook's own — no rules, no source, no server.
/// Foundation makes a time zone through ICU (the rules' settings do) and
/// decodes JSON; libcurl and OpenSSL start with the HTTP client's loop
/// thread; GRDB opens the SQLite queue (WAL) and migrates it. The memory
/// bench reads its RSS next to the daemon's (docs/benchmarks.md).
///
/// It runs in `callhook-bench`, not in `callhook` (whose commands are the
/// specification's): a larger binary that links the same libraries and
/// more. Of a binary, only what start-up touches is resident — the code it
/// runs and the pages the dynamic linker relocates — so the floor counts
/// the bench's relocations instead of the daemon's, about as many.
enum IdleFloor {
    static func runChild() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callhook-bench-floor-\(getpid())")
        Spawned.removeOnSignal(dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        guard let zone = TimeZone(identifier: "Europe/Berlin") else { throw BenchError(message: "no time zone") }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let hour = calendar.component(.hour, from: Date())
        let decoded = try JSONDecoder().decode([String: Int].self, from: Data(#"{"hour":1}"#.utf8))
        let client = HTTPClient()
        defer { client.shutdown() }
        let store = try SQLiteDeliveryStore(path: dir.appendingPathComponent("queue.sqlite").path)
        _ = store
        FileHandle.standardError.write(Data("idle floor ready (\(hour), \(decoded.count))\n".utf8))
        while !Task.isCancelled {
            try await Task.sleep(for: .seconds(3600))
        }
    }
}
