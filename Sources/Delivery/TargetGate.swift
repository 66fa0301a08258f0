/// What may start now for one target: its `concurrency` and `rate` limits
/// and its circuit breaker. Pure: time comes in as monotonic nanoseconds.
public struct TargetGate: Sendable {
    public var concurrency: Int
    public var ratePerSecond: Double?
    public private(set) var inFlight = 0
    public private(set) var breaker = CircuitBreaker()
    /// Token bucket for `rate`: up to one second's worth (at least one).
    private var tokens: Double = 1
    private var refilledAt: Int64?

    public init(concurrency: Int, ratePerSecond: Double?) {
        self.concurrency = max(1, concurrency)
        self.ratePerSecond = ratePerSecond
        tokens = Self.capacity(ratePerSecond)
    }

    static func capacity(_ rate: Double?) -> Double { max(1, rate ?? 1) }

    public enum Verdict: Sendable, Equatable {
        case start
        /// Not before this time (rate limit, pause).
        case wait(until: Int64)
        /// Not until a request in flight finishes.
        case full
    }

    /// Asks to start one request; on `.start` it counts as started.
    public mutating func tryStart(now: Int64) -> Verdict {
        guard inFlight < concurrency else { return .full }
        if let until = breaker.pausedUntil, now < until { return .wait(until: until) }
        if breaker.state == .probing { return .full }
        if let rate = ratePerSecond, rate > 0 {
            refill(now: now, rate: rate)
            guard tokens >= 1 else {
                let missing = 1 - tokens
                return .wait(until: now + Int64((missing / rate * 1e9).rounded(.up)))
            }
        }
        guard breaker.allowStart(now: now) else { return .full }
        if ratePerSecond != nil { tokens -= 1 }
        inFlight += 1
        return .start
    }

    private mutating func refill(now: Int64, rate: Double) {
        if let last = refilledAt, now > last {
            tokens = min(Self.capacity(rate), tokens + Double(now - last) / 1e9 * rate)
        }
        refilledAt = now
    }

    /// A request finished. `failed`: no connection, a timeout or a retryable
    /// status; nil when it was cancelled (shutdown) and says nothing.
    /// Returns true when this paused the target.
    @discardableResult
    public mutating func finished(failed: Bool?, now: Int64) -> Bool {
        inFlight = max(0, inFlight - 1)
        switch failed {
        case .none:
            breaker.recordNothing(now: now)
            return false
        case .some(false):
            breaker.recordSuccess()
            return false
        case .some(true): return breaker.recordFailure(now: now)
        }
    }

    /// Applies changed limits (a rules reload).
    public mutating func update(concurrency: Int, ratePerSecond: Double?) {
        self.concurrency = max(1, concurrency)
        if self.ratePerSecond != ratePerSecond {
            self.ratePerSecond = ratePerSecond
            tokens = Self.capacity(ratePerSecond)
            refilledAt = nil
        }
    }
}
