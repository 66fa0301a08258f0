import Curl
import RuleEngine

/// The one place that decides what an attempt's result means
/// (runtime.md, "Delivery").
public struct RetryPolicy: Sendable {
    public enum Decision: Sendable, Equatable {
        case delivered
        /// Try again after this long.
        case retry(after: Duration)
        /// Give up: the delivery is dead.
        case dead(reason: String)
    }

    public var settings: RetrySettings

    public init(settings: RetrySettings) { self.settings = settings }

    /// - Parameters:
    ///   - attempt: the number of the attempt that just finished (1-based).
    ///   - status: the HTTP status, nil when no response came.
    ///   - retryAfter: the response's `Retry-After`, already parsed.
    ///   - random: a value in [0, 1) for the jitter, asked for only when
    ///     the decision is a retry.
    public func decide(attempt: Int, status: Int?, retryAfter: Duration?, random: @autoclosure () -> Double) -> Decision {
        if let status, (200..<300).contains(status) { return .delivered }
        if let status, !Self.isRetryable(status: status) {
            return .dead(reason: "HTTP \(status) is not retried")
        }
        if attempt >= settings.attempts {
            return .dead(reason: "gave up after \(attempt) attempts")
        }
        let backoff = delay(beforeAttempt: attempt + 1, random: random())
        return .retry(after: max(backoff, retryAfter ?? .zero))
    }

    /// Connection errors and timeouts (no status), 408, 425, 429 and 5xx are retried.
    public static func isRetryable(status: Int) -> Bool {
        status == 408 || status == 425 || status == 429 || (500..<600).contains(status)
    }

    /// Attempt n waits min(max, initial × factor^(n-2)) after attempt n-1,
    /// jittered to between half and all of that.
    public func delay(beforeAttempt n: Int, random: Double) -> Duration {
        let exponent = Double(max(0, n - 2))
        let base = Double(settings.initial.nanoseconds) * pow(settings.factor, exponent)
        let capped = min(Double(settings.max.nanoseconds), base)
        return .nanoseconds(Int64(capped * (0.5 + 0.5 * random)))
    }

    /// Parses `Retry-After`: delay seconds or an HTTP date, relative to `now`
    /// (seconds since the epoch).
    /// A longer one (a far-future date often means "not soon") counts as
    /// `longestRetryAfter`.
    public static func parseRetryAfter(_ value: String, nowEpochSeconds: Int64) -> Duration? {
        let v = value.trimmingCharacters(in: " ")
        let longest = longestRetryAfter.components.seconds
        if let seconds = Int64(v), seconds >= 0 { return .seconds(min(seconds, longest)) }
        guard let date = HTTPDate.parse(v) else { return nil }
        let (wait, overflow) = date.subtractingReportingOverflow(nowEpochSeconds)
        return .seconds(overflow ? 0 : min(max(0, wait), longest))
    }

    /// The longest `Retry-After` honoured: 7 days.
    public static let longestRetryAfter: Duration = .seconds(7 * 86_400)
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension String {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
