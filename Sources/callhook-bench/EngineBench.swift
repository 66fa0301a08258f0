import Callhook
import Calls
import Foundation
import RuleEngine
import Simulator

#if canImport(Glibc)
    import Glibc
#endif

/// quality.md P1 and P2: the engine alone with 10,000 rules and a
/// 1,000,000-number VIP list, and loading that set with `callhook check`.
enum EngineBench {
    static func run(callhook: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callhook-bench-rules-\(getpid())")
        defer { try? FileManager.default.removeItem(at: dir) }
        try RuleSetGenerator.write(to: dir)
        say("rule set: 10,000 rules and a 1,000,000-number VIP list (generated)\n")

        // P2: `callhook check` as users run it, in its own process.
        let (seconds, rssMB, status) = try timeChild(callhook, ["check", "--rules", dir.path])
        guard status == 0 else { throw BenchError(message: "callhook check failed on the generated set") }
        say(String(format: "P2 load and check:  %.2f s (target <= 2 s), peak RSS %.0f MB (target <= 200 MB)", seconds, rssMB))

        // P1: the engine alone.
        let rules: RuleSet
        switch RuleFiles.load(directory: dir.path) {
        case .success(let r): rules = r
        case .failure(let e): throw BenchError(message: "\(e)")
        }
        var options = TrafficGenerator.Options()
        options.extensions = 200
        options.rate = 50
        options.seed = 7
        options.calls = 60_000
        var generator = TrafficGenerator(options: options)
        var events: [CallEvent] = []
        var times: [EventTime] = []
        let start = EventTime(rfc3339: "2026-11-17T08:00:00Z")!
        while let e = generator.next() {
            guard case .call(var c) = e.payload else { continue }
            let t = start + e.at
            c.updated = t.rfc3339()
            events.append(c)
            times.append(t)
        }
        let ids = BenchIDs()
        var engine = CallEngine(rules: rules) { ids.next() }
        var latencies: [Int64] = []
        latencies.reserveCapacity(events.count)
        var matches = 0
        var requests = 0
        let clock = ContinuousClock()
        let total = clock.measure {
            for (e, t) in zip(events, times) {
                let s = clock.now
                let results = engine.process(e, arrival: t, now: t)
                latencies.append((clock.now - s).nanoseconds)
                for r in results {
                    matches += r.matchedRules.count
                    requests += r.requests.count
                }
            }
        }
        latencies.sort()
        let rate = Double(events.count) / (Double(total.nanoseconds) / 1e9)
        let p50 = Double(latencies[latencies.count / 2]) / 1000
        let p99 = Double(latencies[latencies.count * 99 / 100]) / 1000
        say(
            String(
                format: "P1 engine:          %.0f events/s (target >= 200,000), p50 %.1f µs, p99 %.1f µs (target <= 20 µs)", rate,
                p50, p99))
        say("                    \(events.count) events, \(matches) rule matches, \(requests) rendered requests, one core")
    }

    /// Runs a child and returns its wall time, peak RSS and exit status.
    static func timeChild(_ path: String, _ args: [String]) throws -> (Double, Double, Int32) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        let start = ContinuousClock.now
        try p.run()
        var status: Int32 = 0
        var usage = rusage()
        _ = wait4(p.processIdentifier, &status, 0, &usage)
        let elapsed = ContinuousClock.now - start
        return (Double(elapsed.nanoseconds) / 1e9, Double(usage.ru_maxrss) / 1024, (status >> 8) & 0xFF)
    }
}

final class BenchIDs: @unchecked Sendable {
    // Safe: used from the single benchmark loop only.
    private var n = 0
    func next() -> String {
        n += 1
        return "d-\(n)"
    }
}
