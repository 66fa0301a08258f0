import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `callhook-bench table` (what `make bench` runs): every benchmark mode in
/// a child process of its own, its full output appended to a log file, and
/// at the end ONE table of every row they reported (`BenchRow`).
///
/// Modes that print `ROW` lines are taken as they are. For modes that do
/// not (yet), `legacyRows` reads their text output. A mode this build does
/// not have yields a "not measured" row, so modes added later (the JSON
/// decoder baseline, memory) slot in by printing rows.
enum BenchTable {
    static var quick: Bool { ProcessInfo.processInfo.environment["BENCH_QUICK"] == "1" }

    struct Step {
        var mode: [String]
        /// Rows this step stands for when it is missing or fails.
        var covers: [(id: String, what: String, target: String)]
    }

    static var steps: [Step] {
        let q = quick
        return [
            Step(
                mode: ["engine"],
                covers: [
                    ("P1", "engine alone, 10,000 rules + 1M list, one core", "≥ 2 × JSONDecoder; p99 ≤ 20 µs"),
                    ("P2", "load and check that rule set", "≤ 2 s, peak RSS ≤ 200 MB"),
                ]),
            Step(mode: ["decoder"], covers: [("DEC", "NFON decoder vs JSONDecoder, same events", "≥ 3 × JSONDecoder")]),
            Step(
                mode: ["memory"],
                covers: [
                    ("P6-idle", "RSS idle, example rules", "≤ 30 MB"),
                    ("P6-1M", "RSS with the 1M-number list", "≤ 150 MB"),
                ]),
            Step(
                mode: ["transport"],
                covers: [
                    ("CEIL", "transport ceiling: libcurl client, 64 in flight, vs wrk", "—"),
                    ("P3", "durable dispatcher → nginx, 100,000 deliveries", "≥ 0.5 × wrk"),
                    ("P7", "backlog of 100,000 drains", "P3 rate; RSS ≤ 100 MB"),
                    ("P3-C", "P3's pipeline in C (SQLite + one libcurl multi handle)", "— (upper bound for P3)"),
                ]),
            Step(mode: ["agents"], covers: [("P5", "1,000 agents: event → SSE frame", "p99 ≤ 50 ms")]),
            Step(
                mode: ["latency", "1000", q ? "5" : "20"],
                covers: [
                    ("P4", "latency at 1,000 events/s, event → request at sink", "p50 ≤ 1 ms, p99 ≤ 5 ms"),
                    ("P6-load", "RSS under P4 load", "≤ 100 MB"),
                ]),
            Step(
                mode: ["latency-kept", "1000", q ? "5" : "20", q ? "200000" : "1000000"],
                covers: [
                    ("P4-kept", "P4 with a week's delivered requests kept in the queue", "p50 ≤ 1 ms, p99 ≤ 5 ms"),
                    ("P6-kept", "RSS under P4 load, the same queue", "≤ 100 MB"),
                ]),
            Step(
                mode: ["e2e", q ? "20000" : "100000"],
                covers: [
                    ("E2E-stream", "end to end: NFON stream → nginx", "≥ 0.5 × wrk (P8)"),
                    ("E2E-ingest", "end to end: POST /v1/events ×100 → nginx", "≥ 0.5 × wrk (P8)"),
                    ("BURST", "RSS while a burst outruns the sink", "≤ 100 MB (P6 under load)"),
                ]),
        ]
    }

    static let order = [
        "P1", "P2", "DEC", "CEIL", "P3", "P3-C", "P4", "P4-kept", "P5", "P6-idle", "P6-load", "P6-kept", "P6-1M", "BURST", "P7",
        "E2E-stream", "E2E-ingest",
    ]

    static func run(bench: String) throws {
        let log = FileManager.default.currentDirectoryPath + "/bench.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let logHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        let started = Date()
        var rows: [BenchRow] = []
        for step in steps {
            let stepStart = Date()
            FileHandle.standardError.write(Data("… callhook-bench \(step.mode.joined(separator: " "))\n".utf8))
            logHandle.write(Data("\n==== callhook-bench \(step.mode.joined(separator: " "))\n".utf8))
            let (status, output) = try runChild(bench, step.mode)
            logHandle.write(Data(output.utf8))
            var got = output.split(separator: "\n").compactMap { BenchRow(line: $0) }
            if got.isEmpty && status == 0 { got = legacyRows(step.mode[0], output) }
            // A step's own rows only: `engine` also prints the decoder
            // figures of its JSONDecoder baseline, which `decoder` reports.
            got = got.filter { row in step.covers.contains { $0.id == row.id } }
            for c in step.covers where !got.contains(where: { $0.id == c.id }) {
                let why =
                    output.contains("unknown mode")
                    ? "not measured: no `\(step.mode[0])` mode in this build"
                    : (status == 0 ? "not reported" : "failed (exit \(status)), see bench.log")
                got.append(BenchRow(c.id, c.what, measured: why, target: c.target))
            }
            rows += got
            logHandle.write(Data(String(format: "(%.0f s)\n", Date().timeIntervalSince(stepStart)).utf8))
        }
        try? logHandle.close()
        rows.sort { (order.firstIndex(of: $0.id) ?? 99) < (order.firstIndex(of: $1.id) ?? 99) }
        print(
            rows: rows, seconds: Date().timeIntervalSince(started),
            note: quick ? "BENCH_QUICK=1 (short runs)" : "full run")
    }

    static func print(rows: [BenchRow], seconds: Double, note: String) {
        let head = ["#", "what", "measured", "target", "same-run baseline", "ratio", "verdict"]
        let cells = rows.map { [$0.id, $0.what, $0.measured, $0.target, $0.baseline, $0.ratio, $0.verdict] }
        var out = "\n| " + head.joined(separator: " | ") + " |\n|" + String(repeating: "---|", count: head.count) + "\n"
        for c in cells { out += "| " + c.joined(separator: " | ") + " |\n" }
        var load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        load = load.split(separator: " ").prefix(3).joined(separator: " ")
        out += String(
            format: "\n%@, %.0f s; %d cores; load average after the run %@; full output in bench.log\n", note, seconds,
            ProcessInfo.processInfo.activeProcessorCount, load)
        say(out)
    }

    /// Runs `bench args…`, returns its exit status and stdout.
    static func runChild(_ bench: String, _ args: [String]) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: bench)
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        Spawned.track(p)
        defer { Spawned.untrack(p) }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Rows from the `NAME VALUE UNIT` lines of `engine`, `decoder` and
    /// `memory` (docs/benchmarks.md).
    static func metricRows(_ text: String) -> [BenchRow] {
        var m: [String: Double] = [:]
        for line in text.split(separator: "\n") {
            let f = line.split(separator: " ")
            guard f.count == 3, f[0].allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "_" }), let v = Double(f[1])
            else { continue }
            m[String(f[0])] = v
        }
        var rows: [BenchRow] = []
        if let rate = m["p1_engine_events_per_s"], let json = m["p1_jsondecoder_events_per_s"], let p99 = m["p1_p99_us"] {
            let ratio = m["p1_ratio"] ?? rate / json
            rows.append(
                BenchRow(
                    "P1", "engine alone, 10,000 rules + 1M list, one core",
                    measured: String(format: "%.0f events/s, p99 %.1f µs", rate, p99), target: "≥ 2 × JSONDecoder; p99 ≤ 20 µs",
                    baseline: String(format: "JSONDecoder: %.0f events/s", json), ratio: String(format: "%.2f", ratio),
                    verdict: BenchRow.met(ratio >= 2 && p99 <= 20)))
        }
        if let s = m["p2_check_s"], let rss = m["p2_peak_rss_mb"] {
            rows.append(
                BenchRow(
                    "P2", "load and check that rule set", measured: String(format: "%.2f s, peak RSS %.0f MB", s, rss),
                    target: "≤ 2 s, peak RSS ≤ 200 MB", verdict: BenchRow.met(s <= 2 && rss <= 200)))
        }
        if let rate = m["decoder_events_per_s"], let json = m["decoder_jsondecoder_events_per_s"] {
            let ratio = m["decoder_ratio"] ?? rate / json
            rows.append(
                BenchRow(
                    "DEC", "NFON decoder vs JSONDecoder, same events", measured: String(format: "%.0f events/s", rate),
                    target: "≥ 3 × JSONDecoder", baseline: String(format: "JSONDecoder: %.0f events/s", json),
                    ratio: String(format: "%.2f", ratio), verdict: BenchRow.met(ratio >= 3)))
        }
        if let idle = m["p6_idle_rss_mb"] {
            let floor = m["p6_floor_rss_mb"]
            rows.append(
                BenchRow(
                    "P6-idle", "RSS idle, example rules", measured: String(format: "%.1f MB", idle), target: "≤ 30 MB",
                    baseline: floor.map { String(format: "Foundation, libcurl, SQLite alone (idle-floor): %.1f MB", $0) } ?? "—",
                    ratio: floor.map { String(format: "%.2f", idle / $0) } ?? "—", verdict: BenchRow.met(idle <= 30)))
        }
        if let list = m["p6_list_rss_mb"] {
            rows.append(
                BenchRow(
                    "P6-1M", "RSS with the 1M-number list", measured: String(format: "%.1f MB", list), target: "≤ 150 MB",
                    verdict: BenchRow.met(list <= 150)))
        }
        return rows
    }

    /// Rows from modes that print text only (today's `engine` and `agents`).
    static func legacyRows(_ mode: String, _ text: String) -> [BenchRow] {
        let fromMetrics = metricRows(text)
        if !fromMetrics.isEmpty { return fromMetrics }
        func numbers(after prefix: String) -> [Double] {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) else { return [] }
            return line.dropFirst(prefix.count).split(whereSeparator: { !"0123456789.".contains($0) }).compactMap {
                Double($0)
            }
        }
        var rows: [BenchRow] = []
        switch mode {
        case "engine":
            let p2 = numbers(after: "P2 load and check:")
            if p2.count >= 4 {
                rows.append(
                    BenchRow(
                        "P2", "load and check that rule set", measured: String(format: "%.2f s, peak RSS %.0f MB", p2[0], p2[2]),
                        target: "≤ 2 s, peak RSS ≤ 200 MB", verdict: BenchRow.met(p2[0] <= 2 && p2[2] <= 200)))
            }
            let p1 = numbers(after: "P1 engine:")
            // rate, 200, 000, 50, p50, 99, p99, 20
            if p1.count >= 7 {
                rows.append(
                    BenchRow(
                        "P1", "engine alone, 10,000 rules + 1M list, one core",
                        measured: String(format: "%.0f events/s, p99 %.1f µs", p1[0], p1[6]),
                        target: "≥ 2 × JSONDecoder; p99 ≤ 20 µs",
                        baseline: "JSONDecoder: not measured by this build's engine mode",
                        verdict: p1[6] <= 20 ? "p99 met; ratio not measured" : "NOT MET"))
            }
        case "agents":
            let p5 = numbers(after: "event to agent:")
            // 50, p50, 99, p99, frames, …
            if p5.count >= 5 {
                rows.append(
                    BenchRow(
                        "P5", "1,000 agents: event → SSE frame",
                        measured: String(format: "p50 %.1f ms, p99 %.1f ms (%.0f frames)", p5[1], p5[3], p5[4]),
                        target: "p99 ≤ 50 ms", verdict: BenchRow.met(p5[3] <= 50)))
            }
        default: break
        }
        return rows
    }
}
