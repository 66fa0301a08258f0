import Calls
import Curl
import Delivery
import Foundation
import Logging
import RuleEngine

#if canImport(Glibc)
    import Glibc
#endif

/// quality.md P3 and P7: the durable dispatcher against the local sink.
///
/// - P3: 100,000 deliveries submitted in batches while the dispatcher sends
///   them; deliveries/s from the first submit to the last delivery,
///   compared with `wrk` on the same sink in the same run.
/// - P7: 100,000 deliveries already pending (the receiver was down), then
///   the dispatcher starts: drain rate and the process's peak RSS.
///
/// Each runs in a child process so its RSS is its own.
enum DeliveryBench {
    static let count = Int(ProcessInfo.processInfo.environment["BENCH_DELIVERIES"] ?? "") ?? (BenchTable.quick ? 20_000 : 100_000)
    static let concurrency = Int(ProcessInfo.processInfo.environment["BENCH_CONCURRENCY"] ?? "") ?? 64

    /// The orchestrator: sink, wrk, then the two children.
    /// Returns P3's deliveries/s.
    static func run(sinkURL: String, wrk: Double) throws -> Double {
        say("\n== P3, P7: the durable dispatcher (SQLite queue, WAL) against the same nginx")
        say("target concurrency \(concurrency); \(count) deliveries each; POST with a \(Bench.body.count)-byte JSON body")
        let p3 = try child(["delivery-run", "p3", sinkURL])
        let p7 = try child(["delivery-run", "p7", sinkURL])
        say(
            String(
                format: "P3 delivery throughput: %8.0f deliveries/s; wrk %8.0f req/s; ratio %.2f (target >= 0.50)", p3.rate, wrk,
                p3.rate / wrk))
        say(
            String(
                format:
                    "P7 backlog drain:       %8.0f deliveries/s (%.2f of P3); peak RSS %.0f MB (target: within P6, <= 100 MB)",
                p7.rate, p7.rate / p3.rate, p7.rssMB))
        BenchRow(
            "P3", "durable dispatcher → nginx, \(count) deliveries, concurrency \(concurrency)",
            measured: String(format: "%.0f deliveries/s", p3.rate), target: "≥ 0.5 × wrk",
            baseline: String(format: "wrk -t2 -c64: %.0f req/s", wrk), ratio: String(format: "%.2f", p3.rate / wrk),
            verdict: BenchRow.met(p3.rate >= 0.5 * wrk)
        ).emit()
        BenchRow(
            "P7", "backlog of \(count) pending drains",
            measured: String(format: "%.0f deliveries/s, peak RSS %.0f MB", p7.rate, p7.rssMB), target: "P3 rate; RSS ≤ 100 MB",
            baseline: String(format: "P3: %.0f deliveries/s", p3.rate), ratio: String(format: "%.2f", p7.rate / p3.rate),
            verdict: BenchRow.met(p7.rate >= 0.9 * p3.rate && p7.rssMB <= 100)
        ).emit()
        return p3.rate
    }

    /// Runs `callhook-bench args…` (`delivery-run`), whose last line is
    /// "RATE PEAK_RSS_MB".
    static func child(_ args: [String]) throws -> (rate: Double, rssMB: Double) {
        let fields = try childFigures(args)
        return (fields[0], fields[1])
    }

    /// The two numbers of the last line a benchmark child prints.
    static func childFigures(_ args: [String]) throws -> [Double] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        Spawned.track(p)
        defer { Spawned.untrack(p) }
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let fields = text.split(separator: "\n").last?.split(separator: " ").compactMap { Double($0) } ?? []
        guard p.terminationStatus == 0, fields.count == 2 else { throw BenchError(message: "benchmark child failed:\n\(text)") }
        return fields
    }

    /// In the child: prints "RATE PEAK_RSS_MB".
    static func runChild(mode: String, sinkURL: String) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callhook-bench-queue-\(getpid())")
        Spawned.removeOnSignal(dir)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteDeliveryStore(path: dir.appendingPathComponent("queue.sqlite").path)
        let rules = try RuleLoader.load(
            [
                .init(
                    path: "bench.toml",
                    text: "[target.sink]\nurl = \"\(sinkURL)\"\nconcurrency = \(concurrency)\n")
            ], environment: [:]
        ).get()
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let client = HTTPClient()
        defer { client.shutdown() }
        let dispatcher = Dispatcher(store: store, client: client, targets: rules.targets, version: "bench", logger: logger)

        func requests(_ range: Range<Int>) -> [RenderedRequest] {
            range.map { i in
                var r = RenderedRequest(
                    deliveryID: "bench-\(i)", rule: "bench", target: "sink", phase: .incoming, callID: "call-\(i)",
                    leg: nil, method: "POST", url: sinkURL, headers: [("Content-Type", "application/json")],
                    body: Bench.body, eventTime: WallClock.now())
                r.orderKey = "call|\(i)|sink"
                return r
            }
        }

        let start: ContinuousClock.Instant
        if mode == "p7" {
            // The backlog is there before the dispatcher starts.
            for b in stride(from: 0, to: count, by: 5000) {
                var batch = StoreBatch()
                batch.inserts = requests(b..<min(count, b + 5000)).map {
                    Delivery($0, now: WallClock.now().nanoseconds / 1_000_000)
                }
                try await store.commit(batch)
            }
            start = .now
        } else {
            start = .now
        }
        let running = Task { try await dispatcher.run() }
        if mode == "p3" {
            // Submitted as events would be: many small batches, several at a time.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<8 {
                    group.addTask {
                        for b in stride(from: worker * 10, to: count, by: 80) {
                            try await dispatcher.submit(requests(b..<min(count, b + 10)))
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        while dispatcher.stats.delivered + dispatcher.stats.dead < count {
            try await Task.sleep(for: .milliseconds(5))
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        running.cancel()
        if dispatcher.stats.dead > 0 { throw BenchError(message: "\(dispatcher.stats.dead) deliveries died") }
        say(String(format: "%.1f %.1f", Double(count) / seconds, peakRSSMegabytes()))
    }

    /// VmHWM of this process.
    static func peakRSSMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return 0 }
        return (Double(line.split(separator: " ").dropFirst().first ?? "") ?? 0) / 1024
    }
}
