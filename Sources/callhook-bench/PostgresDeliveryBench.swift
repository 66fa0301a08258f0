import Calls
import Curl
import Delivery
import Foundation
import Logging
import PostgresQueue
import RuleEngine
import TestSupport

/// quality.md P3 and P7 with the PostgreSQL queue: one instance, and two
/// instances (two processes) on the same database, against the same sink.
///
/// The database: a throw-away local server (Debian's postgresql, as the
/// tests use), a fresh database for each figure.
enum PostgresDeliveryBench {
    static let count = DeliveryBench.count
    static let concurrency = DeliveryBench.concurrency

    /// The orchestrator. Each figure: deliveries / wall time from the
    /// children's start until the queue holds no pending delivery.
    static func run(sinkURL: String, p3SQLite: Double?) async throws {
        say("\n== P3, P7 with the PostgreSQL queue (\(count) deliveries, target concurrency \(concurrency) in all)")
        let cluster = try await PostgresCluster.start()
        defer { cluster.destroy() }
        func database() async throws -> String { try await cluster.createDatabase() + "?sslmode=disable" }
        for (mode, instances) in [("p3", 1), ("p3", 2), ("p7", 1), ("p7", 2)] {
            let url = try await database()
            if mode == "p7" { try await offThePool { try child(["pg-run", "fill", url, sinkURL, "0", "1"]) } }
            let start = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<instances {
                    group.addTask { try await offThePool { try child(["pg-run", mode, url, sinkURL, "\(i)", "\(instances)"]) } }
                }
                try await group.waitForAll()
            }
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let rate = Double(count) / seconds
            let versus = p3SQLite.map { String(format: "; %.2f of SQLite's P3", rate / $0) } ?? ""
            say(
                String(
                    format: "%@ PostgreSQL, %d instance%@: %8.0f deliveries/s%@", mode.uppercased(), instances,
                    instances == 1 ? "" : "s", rate, versus))
        }
    }

    static func child(_ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        p.arguments = args
        try p.run()
        Spawned.track(p)
        defer { Spawned.untrack(p) }
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw BenchError(message: "benchmark child \(args) failed") }
    }

    /// In a child: `fill` queues the P7 backlog; `p3` submits this
    /// instance's part while its dispatcher sends; `p7` drains. Both
    /// return once the queue has no pending delivery.
    static func runChild(mode: String, url: String, sinkURL: String, index: Int, of instances: Int) async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let store = try await PostgresDeliveryStore(url: url, logger: logger)
        let upkeep = Task { await store.run() }
        defer { upkeep.cancel() }
        if mode == "fill" {
            for b in stride(from: 0, to: count, by: 5000) {
                var batch = StoreBatch()
                batch.inserts = requests(b..<min(count, b + 5000), sinkURL: sinkURL).map {
                    Delivery($0, now: WallClock.now().nanoseconds / 1_000_000)
                }
                try await store.commit(batch)
            }
            return
        }
        let rules = try RuleLoader.load(
            [.init(path: "bench.toml", text: "[target.sink]\nurl = \"\(sinkURL)\"\nconcurrency = \(concurrency)\n")],
            environment: [:]
        ).get()
        let client = HTTPClient()
        defer { client.shutdown() }
        let dispatcher = Dispatcher(store: store, client: client, targets: rules.targets, version: "bench", logger: logger)
        let running = Task { try await dispatcher.run() }
        defer { running.cancel() }
        if mode == "p3" {
            let mine = Array(stride(from: index * 10, to: count, by: 10 * instances))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<8 {
                    group.addTask {
                        for b in mine.enumerated().filter({ $0.offset % 8 == worker }).map(\.element) {
                            try await dispatcher.submit(requests(b..<min(count, b + 10), sinkURL: sinkURL))
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        while true {
            let counts = try await store.counts()
            if (counts[.dead] ?? 0) > 0 { throw BenchError(message: "\(counts[.dead] ?? 0) deliveries died") }
            if (counts[.delivered] ?? 0) >= count { break }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    static func requests(_ range: Range<Int>, sinkURL: String) -> [RenderedRequest] {
        range.map { i in
            var r = RenderedRequest(
                deliveryID: "bench-\(i)", rule: "bench", target: "sink", phase: .incoming, callID: "call-\(i)", leg: nil,
                method: "POST", url: sinkURL, headers: [("Content-Type", "application/json")], body: Bench.body,
                eventTime: WallClock.now())
            r.orderKey = "call|\(i)|sink"
            return r
        }
    }
}
