import Curl

/// What one attempt's result means: the one retry decision
/// (runtime.md, "Delivery"), made by `RetryPolicy.outcome(of:attempt:nowEpochMillis:random:)`.
public struct AttemptOutcome: Sendable, Equatable {
    public enum Verdict: Sendable, Equatable {
        case delivered
        /// Try again at this time (epoch milliseconds).
        case retry(at: Int64)
        /// Give up: the delivery is dead.
        case dead(reason: String)
        /// Not an attempt (cut off at shutdown): the delivery stays queued
        /// as it was.
        case notAnAttempt
    }

    /// What the attempt tells the target's circuit breaker.
    public enum BreakerSignal: Sendable, Equatable {
        /// The target answered.
        case success
        /// No connection, a timeout, a TLS failure, or a retryable status.
        case failure
        /// Nothing about the target (cancelled, a request that cannot be built).
        case nothing

        /// The form `TargetGate.finished(failed:now:)` takes.
        public var failed: Bool? {
            switch self {
            case .success: false
            case .failure: true
            case .nothing: nil
            }
        }
    }

    public var verdict: Verdict
    public var breaker: BreakerSignal
    /// The HTTP status, when a response came.
    public var status: Int?
    /// Why no response came (the client's error text), kept in the attempt.
    public var error: String?
}
