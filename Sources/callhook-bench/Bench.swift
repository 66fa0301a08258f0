import Curl
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `make bench`: the libcurl client against a local sink (keep-alive, 1 and
/// 64 requests in flight) and `wrk` against the same sink in the same run —
/// the transport ceiling for quality.md's P3. Prints each figure and the ratio.
@main
struct Bench {
    static let body: [UInt8] = Array(
        #"{"event":"incoming","call":{"id":"715a1333-0174-40ea-8b38-67e289069476"},"remote":"+49891234567"}"#.utf8)

    static func main() async throws {
        let args = CommandLine.arguments
        // The sink starts nothing of its own: SIGTERM from the benchmark that
        // started it just ends it, without the "interrupted" message.
        if args.count > 2 && args[1] == "--sink" {
            try await BenchSink.run(port: Int(args[2]) ?? 0)
            return
        }
        Spawned.handleSignals()
        if args.count > 3 && args[1] == "delivery-run" {
            try await DeliveryBench.runChild(mode: args[2], sinkURL: args[3])
            return
        }
        if args.count > 1 && args[1] == "idle-floor" {
            try await IdleFloor.runChild()
            return
        }
        if args.count > 2 && args[1] == "floor-run" {
            try DispatchFloorBench.runChild(sinkURL: args[2])
            return
        }
        if args.count > 6 && args[1] == "pg-run" {
            try await PostgresDeliveryBench.runChild(
                mode: args[2], url: args[3], sinkURL: args[4], index: Int(args[5]) ?? 0, of: Int(args[6]) ?? 1)
            return
        }
        if args.count > 1 && args[1] == "postgres" {
            let (sink, port) = try startSink()
            defer {
                sink.terminate()
                sink.waitUntilExit()
            }
            let url = "http://127.0.0.1:\(port)/bench"
            let sqlite = try DeliveryBench.child(["delivery-run", "p3", url])
            say(String(format: "P3 SQLite, 1 instance:       %8.0f deliveries/s (the same sink, this run)", sqlite.rate))
            try await PostgresDeliveryBench.run(sinkURL: url, p3SQLite: sqlite.rate)
            return
        }
        if args.count > 1 && args[1] == "engine" {
            let callhook = URL(fileURLWithPath: args[0]).deletingLastPathComponent().appendingPathComponent("callhook").path
            try EngineBench.run(callhook: callhook)
            return
        }
        if args.count > 1 && args[1] == "engine-profile" {
            try EngineBench.profile(rounds: Int(args.count > 2 ? args[2] : "") ?? 3)
            return
        }
        if args.count > 1 && args[1] == "memory" {
            let callhook = URL(fileURLWithPath: args[0]).deletingLastPathComponent().appendingPathComponent("callhook").path
            try await MemoryBench.run(callhook: callhook)
            return
        }
        if args.count > 1 && args[1] == "decoder" {
            DecoderBench.run()
            return
        }
        if args.count > 1 && args[1] == "ingest" {
            // (POST /v1/events acknowledged rate; `e2e` measures it to nginx.)
            let callhook = URL(fileURLWithPath: args[0]).deletingLastPathComponent().appendingPathComponent("callhook").path
            try await IngestBench.run(callhook: callhook, batches: Int(args.count > 2 ? args[2] : "") ?? 100)
            return
        }
        if args.count > 1 && args[1] == "lookup" {
            let callhook = URL(fileURLWithPath: args[0]).deletingLastPathComponent().appendingPathComponent("callhook").path
            try await LookupBench.run(callhook: callhook, calls: Int(args.count > 2 ? args[2] : "") ?? 300)
            return
        }
        let seconds = Double(ProcessInfo.processInfo.environment["BENCH_SECONDS"] ?? "") ?? (BenchTable.quick ? 3 : 10)
        let callhook = URL(fileURLWithPath: args[0]).deletingLastPathComponent().appendingPathComponent("callhook").path
        switch args.count > 1 ? args[1] : "transport" {
        case "agents":
            try await AgentBench.run(callhook: callhook, seconds: seconds, rate: args.count > 2 ? args[2] : "20")
        case "table":
            try BenchTable.run(bench: args[0])
        case "e2e":
            try await EndToEndBench.run(
                callhook: callhook, count: Int(args.count > 2 ? args[2] : "") ?? 100_000, wrkSeconds: Int(seconds))
        case "latency":
            try await EndToEndBench.latency(
                callhook: callhook, rate: Int(args.count > 2 ? args[2] : "") ?? 1000,
                seconds: Int(args.count > 3 ? args[3] : "") ?? 20)
        case "latency-kept":
            // P4 once the queue keeps what a week of retention keeps.
            try await EndToEndBench.latency(
                callhook: callhook, rate: Int(args.count > 2 ? args[2] : "") ?? 1000,
                seconds: Int(args.count > 3 ? args[3] : "") ?? 20,
                kept: Int(args.count > 4 ? args[4] : "") ?? 1_000_000)
        case "transport":
            try await transport(seconds: seconds)
        default:
            say(
                "unknown mode \(args[1]); modes: table, engine, engine-profile, decoder, memory, ingest, lookup, agents, "
                    + "transport, e2e, latency, latency-kept, postgres")
            exit(2)
        }
    }

    /// The transport ceiling for P3 (the libcurl client with 1 and 64
    /// requests in flight, and wrk, against one nginx), then P3 and P7
    /// against the same nginx.
    static func transport(seconds: Double) async throws {
        let nginx = try NginxSink()
        defer { nginx.stop() }
        let url = nginx.url + "/bench"
        say(
            "sink: nginx on 127.0.0.1:\(nginx.port) (\(NginxSink.workers) worker), answering 204; POST with a \(body.count)-byte JSON body"
        )
        say("each figure: requests completed in \(Int(seconds)) s\n")

        let client = HTTPClient()
        _ = try await client.execute(request(url))  // warm up the connection
        let one = try await measure(client: client, url: url, inFlight: 1, seconds: seconds)
        let many = try await measure(client: client, url: url, inFlight: 64, seconds: seconds)
        client.shutdown()
        let wrk = try runWrk(url: url, connections: 64, seconds: Int(seconds))

        func row(_ name: String, _ rate: Double) {
            say(name.padding(toLength: 44, withPad: " ", startingAt: 0) + String(format: "%10.0f req/s", rate))
        }
        row("libcurl client, 1 in flight", one)
        row("libcurl client, 64 in flight", many)
        row("wrk, 2 threads, 64 connections", wrk)
        say(String(format: "\nratio client(64) / wrk: %.2f  (the transport ceiling for P3)", many / wrk))
        BenchRow(
            "CEIL", "transport ceiling: libcurl client, 64 in flight, vs wrk",
            measured: String(format: "%.0f req/s (1 in flight: %.0f)", many, one), target: "—",
            baseline: String(format: "wrk -t2 -c64: %.0f req/s", wrk), ratio: String(format: "%.2f", many / wrk)
        ).emit()
        let p3 = try DeliveryBench.run(sinkURL: url, wrk: wrk)
        try DispatchFloorBench.run(sinkURL: url, wrk: wrk, p3: p3, nginxCPU: nginx.workerCPUSeconds)
    }

    static func request(_ url: String) -> HTTPRequest {
        HTTPRequest(method: "POST", url: url, headers: [("Content-Type", "application/json")], body: body)
    }

    static func measure(client: HTTPClient, url: String, inFlight: Int, seconds: Double) async throws -> Double {
        let end = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        let start = ContinuousClock.now
        let total = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<inFlight {
                group.addTask {
                    var n = 0
                    while ContinuousClock.now < end {
                        let r = try await client.execute(request(url))
                        guard (200..<300).contains(r.status) else { throw BenchError(message: "sink answered \(r.status)") }
                        n += 1
                    }
                    return n
                }
            }
            return try await group.reduce(0, +)
        }
        let elapsed = ContinuousClock.now - start
        return Double(total) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    static func startSink() throws -> (Process, Int) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        p.arguments = ["--sink", "0"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        Spawned.track(p)
        var text = ""
        while !text.contains("\n") {
            let d = out.fileHandleForReading.availableData
            if d.isEmpty { break }
            text += String(decoding: d, as: UTF8.self)
        }
        guard
            let port = Int(text.replacingOccurrences(of: "listening ", with: "").trimmingCharacters(in: .whitespacesAndNewlines))
        else { throw BenchError(message: "the sink did not start: \(text)") }
        return (p, port)
    }

    static func runWrk(url: String, connections: Int, seconds: Int) throws -> Double {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("callhook-bench-\(getpid()).lua")
        try """
        wrk.method = "POST"
        wrk.body = '\(String(decoding: body, as: UTF8.self))'
        wrk.headers["Content-Type"] = "application/json"
        """.write(to: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: script) }
        Spawned.removeOnSignal(script)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["wrk", "-t2", "-c\(connections)", "-d\(seconds)s", "-s", script.path, url]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        Spawned.track(p)
        defer { Spawned.untrack(p) }
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Requests/sec:") }),
            let rate = Double(line.split(separator: " ").last ?? "")
        else { throw BenchError(message: "could not read wrk's output:\n\(text)") }
        return rate
    }
}

struct BenchError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Unbuffered output, so progress shows when piped.
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
