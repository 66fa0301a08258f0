import Calls
import Curl
import Logging
import RuleEngine
import ServiceLifecycle
import Synchronization

/// Sends rendered requests to their targets through the libcurl client,
/// with the delivery headers, per-target concurrency, and retries decided
/// by `RetryPolicy`.
///
/// This dispatcher keeps its queue in memory; deliveries still pending at
/// shutdown are reported in the log, not kept.
public final class Dispatcher: Service {
    public let stats = DeliveryStats()
    private let client: HTTPClient
    private let logger: Logger
    private let version: String
    private let targets: Mutex<[String: Target]>
    private let limiter = TargetLimiter()
    private let intake: AsyncStream<RenderedRequest>
    private let intakeContinuation: AsyncStream<RenderedRequest>.Continuation
    private let shuttingDown = Atomic<Bool>(false)
    private let inFlight = Atomic<Int>(0)
    /// How long in-flight requests get at shutdown.
    public let shutdownGrace: Duration = .seconds(10)

    public init(client: HTTPClient, targets: [String: Target], version: String, logger: Logger) {
        self.client = client
        self.logger = logger
        self.version = version
        self.targets = Mutex(targets)
        (intake, intakeContinuation) = AsyncStream.makeStream()
    }

    /// Replaces the target definitions (after a rules reload).
    public func updateTargets(_ t: [String: Target]) { targets.withLock { $0 = t } }

    /// Accepts requests for delivery. Returns false once shutdown began.
    @discardableResult
    public func submit(_ requests: [RenderedRequest]) -> Bool {
        guard !shuttingDown.load(ordering: .relaxed) else { return false }
        for r in requests {
            stats.queuedCount.add(1, ordering: .relaxed)
            stats.pendingCount.add(1, ordering: .relaxed)
            intakeContinuation.yield(r)
        }
        return true
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for await request in intake {
                    group.addTask { await self.deliver(request) }
                }
                // Intake closed: in-flight requests get `shutdownGrace`.
                let deadline = ContinuousClock.now + shutdownGrace
                while inFlight.load(ordering: .relaxed) > 0 && ContinuousClock.now < deadline {
                    try? await Task.sleep(for: .milliseconds(20))
                }
                group.cancelAll()
            }
            let left = stats.pending
            if left > 0 {
                logger.warning("stopped with deliveries not sent", metadata: ["pending": "\(left)"])
            }
        } onGracefulShutdown: {
            self.shuttingDown.store(true, ordering: .relaxed)
            self.intakeContinuation.finish()
        }
    }

    private func deliver(_ request: RenderedRequest) async {
        inFlight.add(1, ordering: .relaxed)
        defer { inFlight.subtract(1, ordering: .relaxed) }
        var log = logger
        log[metadataKey: "delivery.id"] = "\(request.deliveryID)"
        log[metadataKey: "rule"] = "\(request.rule)"
        log[metadataKey: "target"] = "\(request.target)"
        log[metadataKey: "call.id"] = "\(request.callID)"
        var rng = SystemRandomNumberGenerator()
        var attempt = 0
        while true {
            attempt += 1
            guard let target = targets.withLock({ $0[request.target] }) else {
                finish(dead: true)
                log.error("target no longer exists; delivery dropped")
                return
            }
            let policy = RetryPolicy(settings: target.retry)
            await limiter.acquire(target.name, limit: target.concurrency)
            let result = await send(request, target: target, attempt: attempt)
            await limiter.release(target.name)
            stats.attemptCount.add(1, ordering: .relaxed)
            let decision: RetryPolicy.Decision
            switch result {
            case .success(let response):
                let retryAfter = response.header("Retry-After").flatMap {
                    RetryPolicy.parseRetryAfter($0, nowEpochSeconds: WallClock.now().epochSeconds)
                }
                decision = policy.decide(
                    attempt: attempt, status: response.status, retryAfter: retryAfter,
                    random: Double.random(in: 0..<1, using: &rng))
                log.debug("attempt finished", metadata: ["attempt": "\(attempt)", "status": "\(response.status)"])
            case .failure(let error):
                if error.kind == .cancelled || error.kind == .shutdown { return }
                decision =
                    error.isRetryable
                    ? policy.decide(attempt: attempt, status: nil, retryAfter: nil, random: Double.random(in: 0..<1, using: &rng))
                    : .dead(reason: error.description)
                log.info("attempt failed", metadata: ["attempt": "\(attempt)", "error": "\(error)"])
            }
            switch decision {
            case .delivered:
                finish(dead: false)
                return
            case .dead(let reason):
                finish(dead: true)
                log.warning("delivery is dead", metadata: ["reason": "\(reason)", "attempts": "\(attempt)"])
                return
            case .retry(let after):
                if !(await waitUnlessShuttingDown(after)) { return }
            }
        }
    }

    private func finish(dead: Bool) {
        stats.pendingCount.subtract(1, ordering: .relaxed)
        if dead {
            stats.deadCount.add(1, ordering: .relaxed)
        } else {
            stats.deliveredCount.add(1, ordering: .relaxed)
        }
    }

    /// Sleeps, but returns false at once when shutdown begins.
    private func waitUnlessShuttingDown(_ d: Duration) async -> Bool {
        let end = ContinuousClock.now + d
        while ContinuousClock.now < end {
            if shuttingDown.load(ordering: .relaxed) || Task.isCancelled { return false }
            try? await Task.sleep(for: min(.milliseconds(100), end - .now))
        }
        return !shuttingDown.load(ordering: .relaxed)
    }

    func send(_ r: RenderedRequest, target: Target, attempt: Int) async -> Result<HTTPResponse, HTTPClientError> {
        var headers = r.headers
        headers.append(("Idempotency-Key", r.deliveryID))
        headers.append(("User-Agent", "callhook/\(version)"))
        headers.append(("X-Callhook-Attempt", String(attempt)))
        let request = HTTPRequest(
            method: r.method, url: r.url, headers: headers, body: r.body, timeout: target.timeout,
            connectTimeout: target.connectTimeout, tls: TLSOptions(verify: target.tlsVerify, caFile: target.caFile))
        do {
            return .success(try await client.execute(request))
        } catch {
            return .failure(error)
        }
    }
}
