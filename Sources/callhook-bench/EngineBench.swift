import Callhook
import Calls
import Foundation
import RuleEngine

#if canImport(Glibc)
    import Glibc
#endif

/// quality.md P1 and P2: the engine alone with 10,000 rules and a
/// 1,000,000-number VIP list, and loading that set with `callhook check`.
enum EngineBench {
    static func run(callhook: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callhook-bench-rules-\(getpid())")
        defer { try? FileManager.default.removeItem(at: dir) }
        Spawned.removeOnSignal(dir)
        try RuleSetGenerator.write(to: dir)
        say("rule set: 10,000 rules and a 1,000,000-number VIP list (generated)\n")

        // P2: `callhook check` as users run it, in its own process.
        var checkCPU = 0.0
        let (seconds, rssMB, status) = try timeChild(callhook, ["check", "--rules", dir.path], cpu: &checkCPU)
        guard status == 0 else { throw BenchError(message: "callhook check failed on the generated set") }

        // P1: the engine alone, against JSONDecoder on the same events.
        let rules: RuleSet
        switch RuleFiles.load(directory: dir.path) {
        case .success(let r): rules = r
        case .failure(let e): throw BenchError(message: "\(e)")
        }
        let (texts, events) = DecoderBench.events(calls: 60_000)
        let times = events.map { EventTime(rfc3339: $0.updated ?? "")! }
        let data = texts.map { Data($0.utf8) }
        var best: Engine?
        var json = 0.0
        var fast = 0.0
        for _ in 0..<3 {
            json = max(json, DecoderBench.jsonDecoderRate(data, rounds: 1))
            fast = max(fast, DecoderBench.nfonDecoderRate(texts, rounds: 1))
            let run = engine(rules: rules, events: events, times: times)
            if best == nil || run.rate > best!.rate { best = run }
        }
        let e = best!
        say(
            "P1: \(events.count) events, \(e.matches) rule matches, \(e.requests) rendered requests; one core, best of 3 runs; rates are events per CPU second of the benchmark thread"
        )
        Metric.header()
        Metric.row(
            "P1 engine (track/classify/match/render)", Metric.rate(e.rate) + " events/s", target: ">= 2 x JSONDecoder",
            baseline: Metric.rate(json) + " events/s", ratio: String(format: "%.2f", e.rate / json))
        Metric.row("P1 engine latency", String(format: "p50 %.1f µs, p99 %.1f µs", e.p50, e.p99), target: "p99 <= 20 µs")
        Metric.row(
            "P2 load and check (callhook check)",
            String(format: "%.2f s (CPU %.2f s), %.0f MB peak", seconds, checkCPU, rssMB),
            target: "<= 2 s, <= 200 MB")
        Metric.row(
            "decoder: NFONDecoder vs JSONDecoder", Metric.rate(fast) + " events/s", target: ">= 3 x JSONDecoder",
            baseline: Metric.rate(json) + " events/s", ratio: String(format: "%.2f", fast / json))
        Metric.emit("p1_engine_events_per_s", e.rate, "events/s")
        Metric.emit("p1_jsondecoder_events_per_s", json, "events/s")
        Metric.emit("p1_ratio", e.rate / json, "x", decimals: 2)
        Metric.emit("p1_p50_us", e.p50, "us", decimals: 1)
        Metric.emit("p1_p99_us", e.p99, "us", decimals: 1)
        Metric.emit("p2_check_s", seconds, "s", decimals: 2)
        Metric.emit("p2_check_cpu_s", checkCPU, "s", decimals: 2)
        Metric.emit("p2_peak_rss_mb", rssMB, "MB")
        Metric.emit("decoder_events_per_s", fast, "events/s")
        Metric.emit("decoder_jsondecoder_events_per_s", json, "events/s")
        Metric.emit("decoder_ratio", fast / json, "x", decimals: 2)
    }

    /// `callhook-bench engine-profile [ROUNDS]`: only the engine loop, for
    /// a profiler (perf, valgrind --tool=callgrind); prints the P1 rate.
    static func profile(rounds: Int) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callhook-bench-rules-\(getpid())")
        defer { try? FileManager.default.removeItem(at: dir) }
        try RuleSetGenerator.write(to: dir)
        guard case .success(let rules) = RuleFiles.load(directory: dir.path) else {
            throw BenchError(message: "the generated rule set did not load")
        }
        let (_, events) = DecoderBench.events(calls: 60_000)
        let times = events.map { EventTime(rfc3339: $0.updated ?? "")! }
        for _ in 0..<rounds {
            Metric.emit("p1_engine_events_per_s", engine(rules: rules, events: events, times: times).rate, "events/s")
        }
    }

    struct Engine {
        var rate: Double
        var p50: Double
        var p99: Double
        var matches: Int
        var requests: Int
    }

    /// One pass of a fresh engine over the events.
    static func engine(rules: RuleSet, events: [CallEvent], times: [EventTime]) -> Engine {
        // Delivery ids as the daemon derives them (a SHA-256 per request).
        var engine = CallEngine(rules: rules, deliveryID: DeliveryID.derived)
        var latencies: [Int64] = []
        latencies.reserveCapacity(events.count)
        var matches = 0
        var requests = 0
        let clock = ContinuousClock()
        let cpu = ThreadCPU.measure {
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
        return Engine(
            rate: Double(events.count) / cpu,
            p50: Double(latencies[latencies.count / 2]) / 1000, p99: Double(latencies[latencies.count * 99 / 100]) / 1000,
            matches: matches, requests: requests)
    }

    /// Runs a child and returns its wall time, peak RSS and exit status.
    /// Spawned directly, not through `Process`: its reaper could collect
    /// the child before `wait4` and leave the resource usage empty.
    static func timeChild(_ path: String, _ args: [String], cpu: inout Double) throws -> (Double, Double, Int32) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + args).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var pid: pid_t = 0
        let start = ContinuousClock.now
        guard posix_spawn(&pid, path, &actions, nil, argv, environ) == 0 else {
            throw BenchError(message: "could not start \(path)")
        }
        var status: Int32 = 0
        var usage = rusage()
        guard wait4(pid, &status, 0, &usage) == pid else { throw BenchError(message: "lost the child \(path)") }
        let elapsed = ContinuousClock.now - start
        cpu =
            Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        return (Double(elapsed.nanoseconds) / 1e9, Double(usage.ru_maxrss) / 1024, (status >> 8) & 0xFF)
    }
}
