import Curl
import Foundation

/// `callhook-bench ingest`: events/s through `POST /v1/events` in batches of
/// 100 (NDJSON), into a `callhook run` with the durable SQLite queue and one
/// rule per ring, whose callbacks go to a local sink. A 202 means the
/// batch's requests are committed, so this is the acknowledged rate.
enum IngestBench {
    static let token = "bench-ingest-token"

    static func run(callhook: String, batches: Int) async throws {
        let (sink, sinkPort) = try Bench.startSink()
        defer {
            sink.terminate()
            sink.waitUntilExit()
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callhook-ingest-bench-\(getpid())")
        Spawned.removeOnSignal(dir)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("rules"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try """
        [target.sink]
        url = "http://127.0.0.1:\(sinkPort)"

        [[rule]]
        name = "ring"
        on = ["incoming"]
        [[rule.webhook]]
        target = "sink"
        path = "/bench"
        json = { event = "{{event}}", call = "{{call.id}}" }
        """.write(to: dir.appendingPathComponent("rules/bench.toml"), atomically: true, encoding: .utf8)
        let config = dir.appendingPathComponent("callhook.toml")
        try "rules = \"rules\"\ndata = \"data\"\n[server]\ningest_token = \"\(token)\"\n".write(
            to: config, atomically: true, encoding: .utf8)

        let (daemon, port) = try startDaemon(callhook: callhook, config: config)
        defer {
            daemon.terminate()
            daemon.waitUntilExit()
        }

        let client = HTTPClient()
        defer { client.shutdown() }
        let url = "http://127.0.0.1:\(port)/v1/events"
        let start = ContinuousClock.now
        for b in 0..<batches {
            var body = ""
            for i in 0..<100 {
                let n = b * 100 + i
                body +=
                    #"{"uuid":"bench-\#(n)","state":"ring","caller":"4989123456","callee":"100","direction":"inbound","extension":"100","customer":"K1"}"#
                body += "\n"
            }
            let r = try await client.execute(
                HTTPRequest(
                    method: "POST", url: url,
                    headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/x-ndjson")],
                    body: Array(body.utf8), timeout: .seconds(60)))
            guard r.status == 202 else { throw BenchError(message: "ingest answered \(r.status): \(r.text)") }
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        say(
            String(
                format: "ingest: %d events in batches of 100, acknowledged (queued durably) at %.0f events/s", batches * 100,
                Double(batches * 100) / seconds))
    }

    /// The port from the daemon's `callhook running … listen=HOST:PORT` line.
    /// `callhook run --config CONFIG` on a free loopback port; returns the
    /// process and the port it announced.
    static func startDaemon(callhook: String, config: URL) throws -> (Process, Int) {
        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: callhook)
        daemon.arguments = ["run", "--config", config.path, "--listen", "127.0.0.1:0"]
        let err = Pipe()
        daemon.standardError = err
        try daemon.run()
        Spawned.track(daemon)
        return (daemon, try readPort(err.fileHandleForReading))
    }

    static func readPort(_ handle: FileHandle) throws -> Int {
        var text = ""
        while true {
            let d = handle.availableData
            if d.isEmpty { throw BenchError(message: "callhook run did not start:\n\(text)") }
            text += String(decoding: d, as: UTF8.self)
            if let r = text.range(of: "listen=127.0.0.1:"), let port = Int(text[r.upperBound...].prefix { $0.isNumber }) {
                return port
            }
        }
    }
}
