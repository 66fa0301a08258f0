import Curl
import Foundation
import Hummingbird
import Logging
import Synchronization

/// `callhook-bench lookup`: what a caller lookup adds to the time from an
/// event's arrival to its request at the receiver. One `callhook run` (HTTP
/// ingest, durable queue) with a `[lookup]`; this process is both the
/// lookup service and the receiver, so send and arrival times are read from
/// one clock. Calls of three kinds take turns, one at a time, in one run:
/// an internal call (never looked up), an external number already in the
/// cache, and a new external number whose lookup answers after 50 ms.
enum LookupBench {
    static let token = "bench-ingest-token"

    static func run(callhook: String, calls: Int) async throws {
        let arrivals = HookArrivals()
        let router = Router()
        router.get("/lookup") { request, _ -> Response in
            let number = request.uri.queryParameters.get("PhoneNumber") ?? ""
            if number.hasPrefix("4930") { try await Task.sleep(for: .milliseconds(50)) }
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: #"[{"Name":"Bench Caller","Company":"Bench AG"}]"#)))
        }
        router.post("/hook/{call}") { request, context -> Response in
            _ = try await request.body.collect(upTo: 1 << 16)
            arrivals.arrived(call: context.parameters.get("call") ?? "")
            return Response(status: .ok)
        }
        let ports = AsyncStream.makeStream(of: Int.self)
        // Cancelling the server at the end is its normal stop, not an error.
        var logger = Logger(label: "bench-lookup")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { ports.continuation.yield($0.localAddress?.port ?? 0) }, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }
            var it = ports.stream.makeAsyncIterator()
            guard let port = await it.next() else { throw BenchError(message: "the bench server did not start") }
            try await measure(callhook: callhook, serverPort: port, arrivals: arrivals, calls: calls)
            group.cancelAll()
        }
    }

    static func measure(callhook: String, serverPort: Int, arrivals: HookArrivals, calls: Int) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callhook-lookup-bench-\(getpid())")
        Spawned.removeOnSignal(dir)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("rules"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try """
        [lookup]
        url = "http://127.0.0.1:\(serverPort)/lookup"
        timeout = "800ms"
        cache = "10m"

        [target.hook]
        url = "http://127.0.0.1:\(serverPort)/hook"

        [[rule]]
        name = "popup"
        on = ["incoming"]
        [[rule.webhook]]
        target = "hook"
        path = "/{{call.id}}"
        json = { name = "{{remote.display}}" }
        """.write(to: dir.appendingPathComponent("rules/bench.toml"), atomically: true, encoding: .utf8)
        let config = dir.appendingPathComponent("callhook.toml")
        try "rules = \"rules\"\ndata = \"data\"\n[server]\ningest_token = \"\(token)\"\n".write(
            to: config, atomically: true, encoding: .utf8)
        let (daemon, port) = try IngestBench.startDaemon(callhook: callhook, config: config)
        defer {
            daemon.terminate()
            daemon.waitUntilExit()
        }
        let client = HTTPClient()
        defer { client.shutdown() }

        func call(_ id: String, caller: String, isInternal: Bool) async throws -> Duration {
            let context = isInternal ? "K1" : "global"
            let event =
                #"{"uuid":"\#(id)","state":"ring","caller":"\#(caller)","caller_context":"\#(context)","callee":"100","callee_context":"K1","direction":"inbound","extension":"100","customer":"K1"}"#
            let sent = ContinuousClock.now
            async let arrived = arrivals.wait(call: id)
            let r = try await client.execute(
                Curl.HTTPRequest(
                    method: "POST", url: "http://127.0.0.1:\(port)/v1/events",
                    headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")],
                    body: Array(event.utf8), timeout: .seconds(10)))
            guard r.status == 202 else { throw BenchError(message: "ingest answered \(r.status): \(r.text)") }
            return await arrived - sent
        }
        // Warm up: connections, and the cached number's cache entry.
        for i in 0..<20 { _ = try await call("warm-\(i)", caller: i == 0 ? "4989123456" : "20\(i)", isInternal: i != 0) }
        var none: [Duration] = []
        var cached: [Duration] = []
        var slow: [Duration] = []
        for i in 0..<calls {
            none.append(try await call("none-\(i)", caller: "200", isInternal: true))
            cached.append(try await call("cached-\(i)", caller: "4989123456", isInternal: false))
            slow.append(try await call("slow-\(i)", caller: "4930\(1_000_000 + i)", isInternal: false))
        }
        let base = Percentiles(none)
        say("lookup: event sent to callhook (POST /v1/events) → its request at the receiver, \(calls) calls each, one run")
        say(base.row("no lookup (internal call)"))
        say(Percentiles(cached).row("cached lookup", over: base))
        say(Percentiles(slow).row("50 ms lookup, not cached", over: base))
    }
}

/// p50 and p99 of a sample, in milliseconds.
struct Percentiles {
    var p50: Double
    var p99: Double

    init(_ sample: [Duration]) {
        let ms = sample.map { Double($0.components.seconds) * 1000 + Double($0.components.attoseconds) / 1e15 }.sorted()
        func at(_ q: Double) -> Double { ms.isEmpty ? 0 : ms[min(ms.count - 1, Int((q * Double(ms.count)).rounded(.up)) - 1)] }
        p50 = at(0.50)
        p99 = at(0.99)
    }

    func row(_ name: String, over base: Percentiles? = nil) -> String {
        var line = "  " + name.padding(toLength: 28, withPad: " ", startingAt: 0)
        line += String(format: "p50 %7.2f ms   p99 %7.2f ms", p50, p99)
        if let base { line += String(format: "   added: p50 %+.2f ms, p99 %+.2f ms", p50 - base.p50, p99 - base.p99) }
        return line
    }
}

/// When each call's request reached the receiver; `wait` returns it.
final class HookArrivals: Sendable {
    private struct State {
        var arrived: [String: ContinuousClock.Instant] = [:]
        var waiting: [String: CheckedContinuation<ContinuousClock.Instant, Never>] = [:]
    }
    private let state = Mutex(State())

    func arrived(call: String) {
        let now = ContinuousClock.now
        let waiter = state.withLock { s -> CheckedContinuation<ContinuousClock.Instant, Never>? in
            if let w = s.waiting.removeValue(forKey: call) { return w }
            s.arrived[call] = now
            return nil
        }
        waiter?.resume(returning: now)
    }

    func wait(call: String) async -> ContinuousClock.Instant {
        await withCheckedContinuation { c in
            let at = state.withLock { s -> ContinuousClock.Instant? in
                if let at = s.arrived.removeValue(forKey: call) { return at }
                s.waiting[call] = c
                return nil
            }
            if let at { c.resume(returning: at) }
        }
    }
}
