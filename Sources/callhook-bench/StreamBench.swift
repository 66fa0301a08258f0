import Foundation
import Hummingbird

#if canImport(Glibc)
    import Glibc
#endif

/// The end-to-end rows from an NFON stream, with the real `callhook run`
/// (SQLite queue, one webhook rule per ring) reading the benchmark's
/// in-process NFON feed (`NFONFeed`):
///
/// - `stream N`: N ring events as fast as callhook reads them, each firing
///   one webhook to nginx; events/s from the stream's first event byte to
///   nginx having answered the N-th request; callhook's peak RSS.
/// - `burst N`: the same against a target limited to `BENCH_SLOW_RATE`
///   (default 2000/s), slower than the stream: deliveries pile up in the
///   queue, and callhook's peak RSS must stay bounded while it reads all N.
/// - `latency RATE SECONDS` (P4): events at RATE/s; for each, from the feed
///   handing it to its stream to the sink (in the same process, same clock)
///   receiving its webhook.
enum StreamBench {
    struct Daemon {
        let child: AgentBench.Child
        let port: Int
        let dir: URL
    }

    /// Starts `callhook run` reading `feed`, with one rule firing a webhook
    /// to `targetURL` on each ring.
    static func daemon(
        callhook: String, feed: NFONFeed, targetURL: String, target extra: String = "", kept: Int = 0
    ) async throws -> Daemon {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callhook-stream-bench-\(getpid())-\(UUID())")
        Spawned.removeOnSignal(dir)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("rules"), withIntermediateDirectories: true)
        try """
        [target.sink]
        url = "\(targetURL)"
        concurrency = 64
        \(extra)

        [[rule]]
        name = "ring"
        on = ["incoming"]
        [[rule.webhook]]
        target = "sink"
        path = "/sink/{{call.id}}"
        json = { event = "{{event}}", call = "{{call.id}}" }
        """.write(to: dir.appendingPathComponent("rules/bench.toml"), atomically: true, encoding: .utf8)
        try """
        rules = "rules"
        data = "data"
        [source]
        kind = "nfon"
        [source.nfon]
        base_url = "http://127.0.0.1:\(feed.port)/v1"
        username = "bench"
        password = "bench"
        account = "K1234"
        line_states = false
        """.write(to: dir.appendingPathComponent("callhook.toml"), atomically: true, encoding: .utf8)
        try await RetainedQueue.fill(path: dir.appendingPathComponent("data/queue.sqlite").path, count: kept)
        let child = try AgentBench.Child(
            callhook, ["run", "--config", dir.appendingPathComponent("callhook.toml").path, "--listen", "127.0.0.1:0"], dir: dir)
        let err = try await child.waitFor("callhook running")
        guard let at = err.range(of: "listen=127.0.0.1:"), let port = Int(err[at.upperBound...].prefix(while: \.isNumber))
        else { throw BenchError(message: "no daemon port") }
        return Daemon(child: child, port: port, dir: dir)
    }

    /// Stops the daemon and removes its directory.
    static func finish(_ d: Daemon) async {
        d.child.stop()
        let deadline = ContinuousClock.now + .seconds(15)
        while d.child.process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        try? FileManager.default.removeItem(at: d.dir)
    }

    /// Pushes `count` ring events in chunks of 100; with `hangUp`, each
    /// ring is followed by its call's hang-up (`count` events in all).
    /// The chunks are made before the first is pushed, so that making them
    /// does not take CPU from the daemon while it reads (a real NFON server
    /// runs elsewhere).
    static func pushBurst(_ feed: NFONFeed, count: Int, prefix: String, hangUp: Bool = false) {
        let updated = ISO8601DateFormatter().string(from: Date())
        var chunks: [ByteBuffer] = []
        var n = 0
        while n < count {
            var text = ""
            for i in n..<min(count, n + 100) {
                if !hangUp {
                    text += NFONFeed.ring(i, prefix: prefix, updated: updated)
                } else {
                    text += NFONFeed.ring(i / 2, prefix: prefix, updated: updated, state: i % 2 == 0 ? "ring" : "hangup")
                }
            }
            chunks.append(ByteBuffer(string: text))
            n += 100
        }
        for chunk in chunks { feed.push(chunk) }
    }

    /// `stream N` against nginx; prints the rows.
    static func stream(callhook: String, count: Int, nginx: NginxSink) async throws -> (rate: Double, peakMB: Double) {
        let feed = try NFONFeed()
        try await feed.start()
        defer { feed.stop() }
        let d = try await daemon(callhook: callhook, feed: feed, targetURL: nginx.url)
        let before = try await offPool { try nginx.requests() }
        pushBurst(feed, count: count, prefix: "s")
        var reads = 1
        let deadline = ContinuousClock.now + .seconds(600)
        var done = 0
        while done < count && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
            done = try await offPool { try nginx.requests() } - before - reads
            reads += 1
        }
        let end = NFONFeed.now()
        let peak = Double(peakKilobytes(d.child.pid)) / 1024
        await finish(d)
        guard done >= count else { throw BenchError(message: "only \(done) of \(count) webhooks reached nginx") }
        let seconds = Double(end - feed.streamStarted.load(ordering: .relaxed)) / 1e9
        return (Double(count) / seconds, peak)
    }

    /// `burst N`: a target slower than the stream; returns callhook's peak
    /// RSS (MB) once it has read and queued all N events, and how many
    /// had been delivered by then.
    static func burst(callhook: String, count: Int) async throws -> (peakMB: Double, readSeconds: Double, delivered: Int) {
        let nginx = try NginxSink()
        defer { nginx.stop() }
        let feed = try NFONFeed()
        try await feed.start()
        defer { feed.stop() }
        let rate = ProcessInfo.processInfo.environment["BENCH_SLOW_RATE"] ?? "2000/s"
        let d = try await daemon(callhook: callhook, feed: feed, targetURL: nginx.url, target: "rate = \"\(rate)\"")
        let before = try await offPool { try nginx.requests() }
        // Calls that ring and hang up: memory then shows the pipeline and
        // the queue, not `count` calls left ringing in the call tracker.
        pushBurst(feed, count: count, prefix: "b", hangUp: true)
        let deadline = ContinuousClock.now + .seconds(600)
        var handled = 0
        while handled < count / 2 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            handled = try await offPool { try incomingEvents(port: d.port) }
        }
        let seconds = Double(NFONFeed.now() - feed.streamStarted.load(ordering: .relaxed)) / 1e9
        let peak = Double(peakKilobytes(d.child.pid)) / 1024
        let delivered = try await offPool { try nginx.requests() } - before - 1
        await finish(d)
        guard handled >= count / 2 else {
            throw BenchError(message: "callhook handled only \(handled) of \(count / 2) rings")
        }
        return (peak, seconds, delivered)
    }

    /// P4: events at `rate`/s for `seconds`; latencies in ms, sorted, and
    /// callhook's RSS (MB) at the end of the load.
    static func latency(
        callhook: String, rate: Int, seconds: Int, kept: Int = 0
    ) async throws -> (samples: [Double], rssMB: Double) {
        let feed = try NFONFeed()
        try await feed.start()
        defer { feed.stop() }
        let d = try await daemon(callhook: callhook, feed: feed, targetURL: "http://127.0.0.1:\(feed.port)", kept: kept)
        let updated = ISO8601DateFormatter().string(from: Date())
        // Warm up: the stream connects and the first deliveries open the connections.
        for i in 0..<50 { feed.push(ByteBuffer(string: NFONFeed.ring(1_000_000 + i, prefix: "w", updated: updated))) }
        let warm = ContinuousClock.now + .seconds(20)
        while feed.arrivals.withLock({ $0.count }) < 50 && ContinuousClock.now < warm {
            try await Task.sleep(for: .milliseconds(10))
        }
        let total = rate * seconds
        var sent = [Int64](repeating: 0, count: total)
        let start = ContinuousClock.now
        let interval = Duration.nanoseconds(1_000_000_000 / Int64(rate))
        for i in 0..<total {
            let due = start + interval * i
            if due > .now { try await Task.sleep(until: due, clock: .continuous) }
            sent[i] = NFONFeed.now()
            feed.push(ByteBuffer(string: NFONFeed.ring(i, prefix: "p", updated: updated)))
        }
        let drain = ContinuousClock.now + .seconds(10)
        while feed.arrivals.withLock({ $0.count }) < total + 50 && ContinuousClock.now < drain {
            try await Task.sleep(for: .milliseconds(10))
        }
        let rss = Double(AgentBench.rssKilobytes(d.child.pid)) / 1024
        await finish(d)
        let arrivals = feed.arrivals.withLock { $0 }
        var samples: [Double] = []
        for i in 0..<total {
            guard let at = arrivals[i] else { continue }
            samples.append(Double(at - sent[i]) / 1e6)
        }
        guard samples.count == total else {
            throw BenchError(message: "only \(samples.count) of \(total) webhooks reached the sink")
        }
        return (samples.sorted(), rss)
    }

    /// `callhook_events_total{phase="incoming"}` from the daemon's metrics.
    static func incomingEvents(port: Int) throws -> Int {
        let text = try NginxSink.get(port: port, path: "/metrics")
        for line in text.split(separator: "\n") where line.hasPrefix("callhook_events_total") && line.contains("incoming") {
            return Int(Double(line.split(separator: " ").last ?? "") ?? 0)
        }
        return 0
    }

    /// VmHWM of a process, in kB.
    static func peakKilobytes(_ pid: pid_t) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
}

/// Runs a blocking call (a socket read, a child's exit) on a thread of its
/// own, off Swift's cooperative pool.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (c: CheckedContinuation<T, any Error>) in
        Thread.detachNewThread { c.resume(with: Result { try body() }) }
    }
}
