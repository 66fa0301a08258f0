import Agents
import Calls
import Curl
import Feeds
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// quality.md P5: 1,000 agents (200 extensions × 5) connected to the real
/// `callhook run` (agent_secret set), fed by `callhook sim` with 200
/// extensions. Measures, for every `ring` every agent receives, the time
/// from the simulator stamping the event (`updated`, carried as the agent
/// event's `time`) to the agent reading its SSE frame — an upper bound on
/// "event arrival to frame written" (it adds the simulator → daemon hop and
/// the agent's read) — and the daemon's RSS per 1,000 connected agents.
enum AgentBench {
    static let extensions = 200
    static let agentsPerExtension = 5
    static let secret = "bench-agent-secret-7c1f9e"

    static func run(callhook: String, seconds: Double, rate: String) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callhook-agent-bench-\(getpid())")
        Spawned.removeOnSignal(dir)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("rules"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "[settings]\ncountry_code = \"49\"\n".write(
            to: dir.appendingPathComponent("rules/settings.toml"), atomically: true, encoding: .utf8)

        let sim = try Child(
            callhook, ["sim", "--listen", "127.0.0.1:0", "--extensions", "\(extensions)", "--rate", rate], dir: dir)
        defer { sim.stop() }
        let simErr = try await sim.waitFor("/v1 (")
        guard let start = simErr.range(of: "http://") else { throw BenchError(message: "no simulator URL") }
        let base = String(simErr[start.lowerBound...].prefix { $0 != " " })
        let config = """
            rules = "rules"
            data = "data"
            [source]
            kind = "nfon"
            [source.nfon]
            base_url = "\(base)"
            username = "bench"
            password = "bench"
            account = "K1234"
            line_states = false
            [server]
            agent_secret = "\(secret)"
            """
        try config.write(to: dir.appendingPathComponent("callhook.toml"), atomically: true, encoding: .utf8)
        let daemon = try Child(
            callhook, ["run", "--config", dir.appendingPathComponent("callhook.toml").path, "--listen", "127.0.0.1:0"], dir: dir)
        defer { daemon.stop() }
        let err = try await daemon.waitFor("callhook running")
        guard let at = err.range(of: "listen=127.0.0.1:"), let port = Int(err[at.upperBound...].prefix(while: \.isNumber))
        else { throw BenchError(message: "no daemon port") }
        let rssBefore = rssKilobytes(daemon.pid)

        let agents = extensions * agentsPerExtension
        let client = HTTPClient(maxConnections: agents + 16)
        defer { client.shutdown() }
        let counters = Counters()
        let url = "http://127.0.0.1:\(port)/v1/agents/events"
        let readers = Task {
            await withTaskGroup(of: Void.self) { group in
                for i in 0..<agents {
                    let ext = String(100 + i % extensions)
                    group.addTask {
                        guard
                            let token = try? AgentToken(
                                customer: nil, extensions: [ext], expires: WallClock.now() + .seconds(3600)
                            ).signed(secret: secret),
                            let stream = try? await client.stream(
                                HTTPRequest(url: url, headers: [("Authorization", "Bearer \(token)")], timeout: nil))
                        else { return }
                        counters.connected.add(1, ordering: .relaxed)
                        var parser = SSEParser()
                        do {
                            for try await chunk in stream {
                                let now = WallClock.now()
                                for case .event(let e) in parser.feed(chunk) where e.type == "ring" {
                                    if let ms = latency(e.data, now: now) { counters.latencies.withLock { $0.append(ms) } }
                                }
                            }
                        } catch {}
                    }
                }
            }
        }
        let deadline = ContinuousClock.now + .seconds(60)
        while counters.connected.load(ordering: .relaxed) < agents && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        let up = counters.connected.load(ordering: .relaxed)
        try await Task.sleep(for: .seconds(1))
        let rssAfter = rssKilobytes(daemon.pid)
        counters.latencies.withLock { $0.removeAll() }  // rings replayed on connect are not live
        try await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
        let samples = counters.latencies.withLock { $0 }.sorted()
        readers.cancel()
        daemon.stop()
        sim.stop()

        say("\n== P5: agents (\(up) of \(agents) connected, \(extensions) extensions × \(agentsPerExtension), sim rate \(rate))")
        guard !samples.isEmpty else {
            say("no ring reached an agent in \(Int(seconds)) s")
            return
        }
        func pct(_ p: Double) -> Double { samples[min(samples.count - 1, Int(Double(samples.count) * p))] }
        say(
            String(
                format: "event to agent: p50 %.1f ms, p99 %.1f ms over %d frames (target: p99 <= 50 ms)", pct(0.5), pct(0.99),
                samples.count))
        let perThousand = Double(rssAfter - rssBefore) / 1024 * 1000 / Double(max(up, 1))
        say(
            String(
                format: "daemon RSS: %.1f MB before, %.1f MB with the agents: %.1f MB per 1,000 agents", Double(rssBefore) / 1024,
                Double(rssAfter) / 1024, perThousand))
    }

    /// Milliseconds from the event's `time` to `now`.
    static func latency(_ data: String, now: EventTime) -> Double? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(data.utf8))) as? [String: Any],
            let text = object["time"] as? String, let time = EventTime(rfc3339: text)
        else { return nil }
        return Double((now - time).nanoseconds) / 1e6
    }

    /// What the agents' reading tasks share.
    final class Counters: Sendable {
        let latencies = Mutex([Double]())
        let connected = Atomic<Int>(0)
    }

    static func rssKilobytes(_ pid: pid_t) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    /// A callhook child process with its stderr in a file.
    // Safe: the Process is started once in init, then only signalled.
    final class Child: @unchecked Sendable {
        let process: Process
        let errPath: String
        var pid: pid_t { process.processIdentifier }

        init(_ path: String, _ arguments: [String], dir: URL, environment: [String: String] = [:]) throws {
            errPath = dir.appendingPathComponent("stderr-\(UUID().uuidString)").path
            _ = FileManager.default.createFile(atPath: errPath, contents: nil)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: path)
            p.arguments = arguments
            p.currentDirectoryURL = dir
            if !environment.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
            p.standardOutput = FileHandle.nullDevice
            p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
            try p.run()
            Spawned.track(p)
            process = p
        }

        func waitFor(_ text: String, seconds: Int64 = 30) async throws -> String {
            let deadline = ContinuousClock.now + .seconds(seconds)
            while ContinuousClock.now < deadline {
                let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
                if err.contains(text) { return err }
                try await Task.sleep(for: .milliseconds(20))
            }
            throw BenchError(message: "timed out waiting for '\(text)'")
        }

        func stop() { if process.isRunning { kill(process.processIdentifier, SIGTERM) } }
    }
}
