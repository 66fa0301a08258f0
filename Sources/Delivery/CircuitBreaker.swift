/// A target's circuit breaker: after `threshold` consecutive failures the
/// target pauses for `pause`, then one request probes it (runtime.md,
/// "Delivery"). Pure: time comes in as monotonic nanoseconds.
public struct CircuitBreaker: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        case closed
        /// Paused until this time.
        case open(until: Int64)
        /// One request is on its way to find out whether the target is back.
        case probing
    }

    public static let threshold = 5
    public static let pause: Int64 = 30_000_000_000

    public private(set) var state: State = .closed
    public private(set) var consecutiveFailures = 0

    public init() {}

    /// Whether a request may start now; if it may and the pause is over, the
    /// request becomes the probe.
    public mutating func allowStart(now: Int64) -> Bool {
        switch state {
        case .closed: return true
        case .probing: return false
        case .open(let until):
            guard now >= until else { return false }
            state = .probing
            return true
        }
    }

    /// When the pause ends, if paused.
    public var pausedUntil: Int64? {
        if case .open(let until) = state { return until }
        return nil
    }

    /// The target answered (any status that is not a retryable failure).
    public mutating func recordSuccess() {
        consecutiveFailures = 0
        state = .closed
    }

    /// A request ended without an answer that says anything (cancelled at
    /// shutdown); a probe that ended so is tried again.
    public mutating func recordNothing(now: Int64) {
        if state == .probing { state = .open(until: now) }
    }

    /// The target failed: no connection, a timeout, or a retryable status.
    /// Returns true when this failure paused the target.
    @discardableResult
    public mutating func recordFailure(now: Int64) -> Bool {
        consecutiveFailures += 1
        switch state {
        case .probing:
            state = .open(until: now + Self.pause)
            return true
        case .closed where consecutiveFailures >= Self.threshold:
            state = .open(until: now + Self.pause)
            return true
        case .closed, .open:
            return false
        }
    }
}
