import Curl

extension RetryPolicy {
    /// The one retry decision: an attempt's result (a response or a
    /// transport error), its number (1-based) and the time in, the outcome
    /// and the breaker signal out. Pure; `random` in [0, 1) jitters the
    /// delay, and is asked for only when there is one. The dispatcher only
    /// applies what this returns.
    public func outcome(
        of result: Result<HTTPResponse, HTTPClientError>, attempt: Int, nowEpochMillis: Int64,
        random: @autoclosure () -> Double
    ) -> AttemptOutcome {
        switch result {
        case .success(let r):
            // `Retry-After` counts only where a retry may follow.
            let retryAfter =
                Self.isRetryable(status: r.status)
                ? r.header("Retry-After").flatMap { Self.parseRetryAfter($0, nowEpochSeconds: nowEpochMillis / 1000) }
                : nil
            let verdict = Self.verdict(
                decide(attempt: attempt, status: r.status, retryAfter: retryAfter, random: random()), now: nowEpochMillis)
            return AttemptOutcome(
                verdict: verdict, breaker: Self.isRetryable(status: r.status) ? .failure : .success, status: r.status,
                error: nil)
        case .failure(let e):
            switch Self.handling(of: e.kind) {
            case .notAnAttempt:
                return AttemptOutcome(verdict: .notAnAttempt, breaker: .nothing, status: nil, error: e.description)
            case .dead:
                return AttemptOutcome(
                    verdict: .dead(reason: e.description), breaker: .nothing, status: nil, error: e.description)
            case .retry:
                let verdict = Self.verdict(
                    decide(attempt: attempt, status: nil, retryAfter: nil, random: random()), now: nowEpochMillis)
                return AttemptOutcome(verdict: verdict, breaker: .failure, status: nil, error: e.description)
            }
        }
    }

    /// What a transport error does (docs/delivery.md, "Transport errors").
    public enum ErrorHandling: Sendable, Equatable {
        /// Retried with backoff like a refused connection; counts against
        /// the target's breaker.
        case retry
        /// The request itself is wrong: dead at once.
        case dead
        /// Cut off by the daemon: not counted as an attempt.
        case notAnAttempt
    }

    public static func handling(of kind: HTTPClientError.Kind) -> ErrorHandling {
        switch kind {
        // A certificate that fails verification is retried too: an operator
        // may fix the trust store; the attempt keeps the error text.
        case .timeout, .connect, .tls, .transport: .retry
        case .invalidRequest: .dead
        case .cancelled, .shutdown: .notAnAttempt
        }
    }

    static func verdict(_ d: Decision, now: Int64) -> AttemptOutcome.Verdict {
        switch d {
        case .delivered: .delivered
        case .dead(let reason): .dead(reason: reason)
        case .retry(let after):
            .retry(at: now + after.components.seconds * 1000 + after.components.attoseconds / 1_000_000_000_000_000)
        }
    }
}
