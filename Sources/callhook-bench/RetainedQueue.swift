import Calls
import Delivery
import Foundation
import RuleEngine

/// For `latency-kept` (P4-kept): the daemon starts on a queue that
/// already keeps delivered requests, as one that has run for a while does
/// under `retention` (a week by default). Housekeeping that walked every
/// kept row showed here (p99 44-64 ms with a million), and nowhere on an
/// empty queue.
enum RetainedQueue {
    /// Writes `count` delivered requests (finished now, so kept) into the
    /// queue at `path`.
    static func fill(path: String, count: Int) async throws {
        guard count > 0 else { return }
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let store = try SQLiteDeliveryStore(path: path)
        let now = WallClock.now().nanoseconds / 1_000_000
        for b in stride(from: 0, to: count, by: 10_000) {
            var batch = StoreBatch()
            batch.inserts = (b..<min(count, b + 10_000)).map { i in
                var r = RenderedRequest(
                    deliveryID: "kept-\(i)", rule: "ring", target: "sink", phase: .incoming, callID: "kept-call-\(i)",
                    leg: nil, method: "POST", url: "http://127.0.0.1:9/sink/kept-call-\(i)",
                    headers: [("Content-Type", "application/json")], body: Bench.body, eventTime: WallClock.now())
                r.orderKey = "call|kept-\(i)|sink"
                var d = Delivery(r, now: now)
                d.status = .delivered
                d.attempts = 1
                d.finishedAt = now
                return d
            }
            try await store.commit(batch)
        }
        say("queue filled with \(count) delivered requests")
    }
}
