import Callhook
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// quality.md P6: the RSS of `callhook run` (NFON source: the simulator,
/// sending no calls) once it is up and idle, with the example rules and
/// with the P1 set (10,000 rules, 1,000,000-number list); split into
/// file-backed pages (code and data of the binary and its libraries) and
/// anonymous memory (heap, stacks), with the libraries that hold the most.
enum MemoryBench {
    static func run(callhook: String) async throws {
        guard let examples = ExampleRules.find() else { throw BenchError(message: "the example rules were not found") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callhook-memory-bench-\(getpid())")
        Spawned.removeOnSignal(dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let sim = try AgentBench.Child(callhook, ["sim", "--listen", "127.0.0.1:0", "--calls", "0"], dir: dir)
        defer { sim.stop() }
        let simErr = try await sim.waitFor("/v1 (")
        guard let start = simErr.range(of: "http://") else { throw BenchError(message: "no simulator URL") }
        let base = String(simErr[start.lowerBound...].prefix { $0 != " " })

        let floor = try await measureFloor(dir: dir)
        let idle = try await measure(callhook: callhook, rules: examples, base: base, dir: dir, name: "examples")
        let big = dir.appendingPathComponent("p1-rules")
        try RuleSetGenerator.write(to: big)
        let list = try await measure(callhook: callhook, rules: big.path, base: base, dir: dir, name: "p1")
        sim.stop()

        say("P6: `callhook run`, NFON source (the simulator, no calls), after start-up and \(settle) s idle")
        Metric.header()
        Metric.row(
            "P6 idle, example rules", String(format: "%.1f MB", idle.total), target: "<= 30 MB",
            baseline: String(format: "file %.1f, anon %.1f MB", idle.file, idle.anon))
        Metric.row(
            "P6 floor: Foundation, libcurl, SQLite alone", String(format: "%.1f MB", floor.total), target: "—",
            baseline: String(format: "file %.1f, anon %.1f MB", floor.file, floor.anon))
        Metric.row(
            "P6 with the 1M-number list", String(format: "%.1f MB", list.total), target: "<= 150 MB",
            baseline: String(format: "file %.1f, anon %.1f MB", list.file, list.anon))
        say(
            "largest file-backed mappings at idle (MB): "
                + idle.top.map { "\($0.0) " + String(format: "%.1f", $0.1) }.joined(separator: ", "))
        say(
            "largest file-backed mappings of the floor (MB): "
                + floor.top.map { "\($0.0) " + String(format: "%.1f", $0.1) }.joined(separator: ", "))
        say("libraries mapped: " + idle.libraries.joined(separator: " "))
        Metric.emit("p6_idle_rss_mb", idle.total, "MB", decimals: 1)
        Metric.emit("p6_idle_rss_file_mb", idle.file, "MB", decimals: 1)
        Metric.emit("p6_idle_rss_anon_mb", idle.anon, "MB", decimals: 1)
        Metric.emit("p6_idle_rss_foundation_mb", idle.foundation, "MB", decimals: 1)
        Metric.emit("p6_list_rss_mb", list.total, "MB", decimals: 1)
        Metric.emit("p6_floor_rss_mb", floor.total, "MB", decimals: 1)
    }

    static let settle = 3

    struct Sample {
        var total: Double
        var file: Double
        var anon: Double
        var top: [(String, Double)]
        /// libFoundation, libFoundationEssentials, libFoundationInternationalization, lib_FoundationICU.
        var foundation: Double
        var libraries: [String]
    }

    static func measure(callhook: String, rules: String, base: String, dir: URL, name: String) async throws -> Sample {
        let config = dir.appendingPathComponent("\(name).toml")
        try """
        rules = "\(rules)"
        data = "data-\(name)"
        [source]
        kind = "nfon"
        [source.nfon]
        base_url = "\(base)"
        username = "bench"
        password = "bench"
        account = "K1234"
        """.write(to: config, atomically: true, encoding: .utf8)
        let daemon = try AgentBench.Child(
            callhook, ["run", "--config", config.path, "--listen", "127.0.0.1:0"], dir: dir,
            environment: ["CRM_TOKEN": "t", "LOOKUP_TOKEN": "t", "SLACK_WEBHOOK_PATH": "T0/B0/x", "ZAMMAD_CTI_TOKEN": "t"])
        defer { daemon.stop() }
        _ = try await daemon.waitFor("callhook running", seconds: 120)
        try await Task.sleep(for: .seconds(settle))
        return sample(pid: daemon.pid)
    }

    /// `callhook-bench idle-floor` (`IdleFloor`), after the same settling time.
    static func measureFloor(dir: URL) async throws -> Sample {
        let floor = try AgentBench.Child(CommandLine.arguments[0], ["idle-floor"], dir: dir)
        defer { floor.stop() }
        _ = try await floor.waitFor("idle floor ready", seconds: 60)
        try await Task.sleep(for: .seconds(settle))
        return sample(pid: floor.pid)
    }

    /// RSS of a running process, split as `Sample` says.
    static func sample(pid: pid_t) -> Sample {
        let status = procFile("/proc/\(pid)/status") ?? ""
        func kB(_ field: String) -> Double {
            let line = status.split(separator: "\n").first { $0.hasPrefix(field + ":") } ?? ""
            return Double(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
        let maps = mappings(pid: pid)
        return Sample(
            total: kB("VmRSS") / 1024, file: kB("RssFile") / 1024, anon: kB("RssAnon") / 1024,
            top: Array(maps.sorted { $0.value > $1.value }.prefix(12)).map { ($0.key, $0.value / 1024) },
            foundation: maps.filter { $0.key.hasPrefix("libFoundation") || $0.key.hasPrefix("lib_FoundationICU") }.values
                .reduce(0, +) / 1024,
            libraries: maps.keys.sorted())
    }

    /// A /proc file read to its end (they report a size of 0).
    static func procFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { break }
            out += chunk[..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Resident kB per mapped file (basename), from /proc/PID/smaps.
    static func mappings(pid: pid_t) -> [String: Double] {
        guard let smaps = procFile("/proc/\(pid)/smaps") else { return [:] }
        var out: [String: Double] = [:]
        var current: String?
        for line in smaps.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if let first = fields.first, first.contains("-"), fields.count >= 5 {
                current = fields.count >= 6 && fields[5].hasPrefix("/") ? String(fields[5].split(separator: "/").last!) : nil
            } else if let name = current, fields.first == "Rss:", fields.count >= 2 {
                out[name, default: 0] += Double(fields[1]) ?? 0
            }
        }
        return out
    }
}
