import AsyncAlgorithms
import Calls
import Curl
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The NFON CTI API source (runtime.md, "Sources → NFON"): the calls
/// stream, optionally the states stream, and the extension directory,
/// with reconnects, backoff and an idle watchdog.
public final class NFONSource: Service {
    let options: NFONOptions
    let client: HTTPClient
    let sink: any EventSink
    let logger: Logger
    let session: NFONSession
    /// The idle watchdog reads its monotonic time.
    let clock: PipelineClock
    /// Connected, or why not (readiness, the live line).
    public let health = SourceHealth()

    public init(
        options: NFONOptions, client: HTTPClient, sink: any EventSink, logger: Logger, clock: PipelineClock = .system
    ) {
        self.options = options
        self.clock = clock
        self.client = client
        self.sink = sink
        self.logger = logger
        self.session = NFONSession(options: options, client: client, logger: logger, clock: clock)
    }

    public func run() async throws {
        // On graceful shutdown the streams are cancelled: stop taking events.
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.streamLoop(path: "/extensions/phone/calls", kind: .calls) }
                if self.options.lineStates {
                    group.addTask { await self.streamLoop(path: "/extensions/phone/states", kind: .states) }
                }
                group.addTask { await self.directoryLoop() }
                group.addTask { await self.tokenLoop() }
            }
        }
    }

    enum StreamKind { case calls, states }

    /// Refreshes the access token 30 s before it expires, so that requests
    /// and reconnects find a valid one. Looks once a second (monotonic
    /// time); ends on graceful shutdown.
    private func tokenLoop() async {
        for await _ in AsyncTimerSequence.repeating(every: .seconds(1)).cancelOnGracefulShutdown() {
            guard let left = await session.secondsLeft, left - 30 <= 0 else { continue }
            do {
                _ = try await session.accessToken()
            } catch {
                logger.notice("token refresh failed", metadata: ["error": "\(error)"])
            }
        }
    }

    private func streamLoop(path: String, kind: StreamKind) async {
        var backoff = Backoff()
        var rng = SystemRandomNumberGenerator()
        let name = kind == .calls ? "calls" : "states"
        var connections = 0
        while !Task.isCancelled {
            let started = ContinuousClock.now
            do {
                try await connectAndRead(path: path, kind: kind, connections: &connections)
                logger.notice("\(name) stream closed by the server; reconnecting")
                if kind == .calls && health.current.connected { health.failed("calls stream closed; reconnecting") }
            } catch is CancellationError {
                break
            } catch let e as HTTPClientError where e.kind == .cancelled || e.kind == .shutdown {
                if Task.isCancelled { break }
                logger.notice("\(name) stream ended: \(e)")
            } catch {
                logger.warning("\(name) stream failed: \(error)")
                if kind == .calls { health.failed(problem(error)) }
                await sink.receive(.error(kind: errorKind(error)))
            }
            if kind == .calls { await sink.receive(.connected(false)) }
            backoff.connectionEnded(after: .now - started)
            let delay = backoff.next(using: &rng)
            logger.info("reconnecting \(name) stream", metadata: ["delay_ms": "\(delay.nanoseconds / 1_000_000)"])
            try? await Task.sleep(for: delay)
        }
    }

    /// The readiness reason for a failed calls stream.
    private func problem(_ error: any Error) -> String {
        if let e = error as? NFONSession.LoginError { return e.status.map { "login failed (\($0))" } ?? "login failed" }
        if let e = error as? StreamError { return "calls stream refused (\(e.status))" }
        if let e = error as? HTTPClientError { return "cannot reach the CTI API (\(e.kind.rawValue))" }
        return "calls stream failed"
    }

    private func errorKind(_ error: any Error) -> String {
        if let e = error as? HTTPClientError { return e.kind.rawValue }
        if error is NFONSession.LoginError { return "login" }
        if error is StreamError { return "http" }
        return "other"
    }

    struct StreamError: Error, CustomStringConvertible {
        var status: Int
        var description: String { "HTTP \(status)" }
    }

    private func open(_ path: String) async throws -> HTTPStream {
        let token = try await session.accessToken()
        return try await client.stream(
            HTTPRequest(
                url: options.baseURL + path,
                headers: [
                    ("Authorization", "Bearer \(token)"), ("Accept", "text/event-stream"), ("User-Agent", options.userAgent),
                ],
                timeout: nil, connectTimeout: .seconds(10)))
    }

    /// - Parameter connections: calls streams connected so far; every one
    ///   after the first is a reconnect and takes a states snapshot.
    private func connectAndRead(path: String, kind: StreamKind, connections: inout Int) async throws {
        var first = try await open(path)
        if first.head.status == 401 {
            // One refresh (or login), then one retry.
            first.cancel()
            await session.invalidate()
            first = try await open(path)
            if first.head.status == 401 {
                await session.invalidate()
                throw StreamError(status: 401)
            }
        }
        let stream = first
        guard stream.head.status == 200 else { throw StreamError(status: stream.head.status) }
        if kind == .calls {
            health.connected()
            await sink.receive(.connected(true))
        }
        logger.info("connected to the \(kind == .calls ? "calls" : "states") stream")
        connections += 1
        let reconciles = kind == .calls && connections > 1

        let lastActivity = ActivityMark(clock: clock)
        let idle = options.idleTimeout
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // The snapshot is taken while the stream is read, so a hang-up
                // that arrives meanwhile ends its leg first (and one that
                // starts meanwhile is newer than the snapshot).
                async let reconciled: Void = self.reconcile(ifReconnected: reconciles)
                var parser = SSEParser()
                var seenThisConnection = Set<String>()
                for try await chunk in stream {
                    lastActivity.touch()
                    for item in parser.feed(chunk) {
                        await self.handle(item, kind: kind, seen: &seenThisConnection)
                    }
                }
                await reconciled
            }
            group.addTask {
                // Watchdog: a stream silent for idle_timeout is dead
                // (looked at four times per idle_timeout, on monotonic time).
                for await _ in AsyncTimerSequence.repeating(every: idle / 4) {
                    let silent = lastActivity.silence
                    if silent >= idle.nanoseconds {
                        self.logger.warning(
                            "stream silent past idle_timeout; reconnecting", metadata: ["idle_timeout_s": "\(idle.wholeSeconds)"])
                        if kind == .calls { self.health.failed("calls stream silent past idle_timeout") }
                        await self.sink.receive(.error(kind: "idle"))
                        stream.cancel()
                        return
                    }
                }
            }
            defer { group.cancelAll() }
            _ = try await group.next()
        }
    }

    private func handle(_ item: SSEItem, kind: StreamKind, seen: inout Set<String>) async {
        switch item {
        case .event(let e):
            let arrival = WallClock.now()
            switch kind {
            case .calls:
                if let call = try? NFONDecoder.call(e.data) {
                    await sink.receive(.call(call, arrival: arrival))
                } else {
                    logger.warning("skipped malformed call event", metadata: ["bytes": "\(e.data.utf8.count)"])
                    await sink.receive(.error(kind: "malformed"))
                }
            case .states:
                if let state = try? NFONDecoder.state(e.data) {
                    let snapshot = seen.insert(state.extension).inserted
                    await sink.receive(.line(state, snapshot: snapshot, arrival: arrival))
                } else {
                    logger.warning("skipped malformed state event", metadata: ["bytes": "\(e.data.utf8.count)"])
                    await sink.receive(.error(kind: "malformed"))
                }
            }
        case .lineTooLong(let bytes):
            logger.warning("skipped an oversized stream line", metadata: ["bytes": "\(bytes)"])
            await sink.receive(.error(kind: "oversized"))
        case .comment, .retry: break
        }
    }

    private func directoryLoop() async {
        // Loaded at once, then again every `directory_refresh` (10 s after a
        // failure), checked once a second on monotonic time.
        var nextAt = clock.monotonicNanoseconds()
        let ticks = AsyncTimerSequence.repeating(every: .seconds(1)).cancelOnGracefulShutdown()
        var iterator = ticks.makeAsyncIterator()
        repeat {
            guard clock.monotonicNanoseconds() >= nextAt else { continue }
            let wait = await loadDirectory() ? options.directoryRefresh : .seconds(10)
            nextAt = clock.monotonicNanoseconds() + wait.components.seconds * 1_000_000_000
        } while await iterator.next() != nil && !Task.isCancelled
    }

    /// One directory load; true when it succeeded.
    private func loadDirectory() async -> Bool {
        do {
            let r = try await fetchJSON("/extensions/phone/data")
            if r.status == 200, let list = try? JSONSerialization.jsonObject(with: Data(r.body)) as? [[String: Any]] {
                var directory: [String: String] = [:]
                for e in list {
                    if let n = e["extension_number"] as? String { directory[n] = e["name"] as? String ?? "" }
                }
                await sink.receive(.directory(directory, customer: options.account))
                logger.info("extension directory loaded", metadata: ["extensions": "\(directory.count)"])
                return true
            }
            logger.warning("extension directory request failed", metadata: ["status": "\(r.status)"])
        } catch {
            if !Task.isCancelled { logger.warning("extension directory request failed: \(error)") }
        }
        return false
    }

    /// `GET {base_url}PATH` for JSON (the directory, the states snapshot);
    /// a 401 gets one refresh (or login) and one retry.
    func fetchJSON(_ path: String, timeout: Duration? = nil) async throws -> HTTPResponse {
        func get() async throws -> HTTPResponse {
            let token = try await session.accessToken()
            var request = HTTPRequest(
                url: options.baseURL + path,
                headers: [
                    ("Authorization", "Bearer \(token)"), ("Accept", "application/json"), ("User-Agent", options.userAgent),
                ],
                maxResponseBytes: 8 << 20)
            if let timeout { request.timeout = timeout }
            return try await client.execute(request)
        }
        let first = try await get()
        guard first.status == 401 else { return first }
        await session.invalidate()
        let second = try await get()
        if second.status == 401 { await session.invalidate() }
        return second
    }
}
