/// Parses durations as rule files write them: `800ms`, `10s`, `2m`, `1h`,
/// `7d`, and sums such as `1h30m`.
///
/// Bounds (docs/rules.md): a duration is at most `maxSeconds` (3650 days);
/// a rate is between `minRate` (1 per day) and `maxRate` (10,000 per
/// second). Anything outside is rejected, never wrapped or trapped on.
public enum DurationParser {
    /// 3650 days: longer is a typo, and every later sum of times stays far
    /// from overflowing.
    public static let maxSeconds: Double = 3650 * 86400
    public static let maxRate: Double = 10_000
    public static let minRate: Double = 1.0 / 86400

    public enum Failure: Error, Sendable, Equatable {
        case malformed
        case tooLong

        /// The message for a value of a configuration key.
        public func message(for text: String) -> String {
            let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
            switch self {
            case .malformed: return "`\(shown)` is not a duration (like \"800ms\", \"10s\", \"2m\")"
            case .tooLong: return "`\(shown)` is longer than the limit of 3650d"
            }
        }
    }

    public static func parse(_ text: String) -> Duration? { try? check(text).get() }

    /// The duration, or why it is not one.
    public static func check(_ text: String) -> Result<Duration, Failure> {
        var total: Double = 0
        var rest = Substring(text.trimmingCharacters())
        guard !rest.isEmpty, rest.utf8.count <= 100 else { return .failure(.malformed) }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !digits.isEmpty, let value = Double(digits), value.isFinite else { return .failure(.malformed) }
            rest = rest.dropFirst(digits.count)
            let unit = rest.prefix { $0.isLetter }
            rest = rest.dropFirst(unit.count)
            let scale: Double
            switch unit {
            case "ms": scale = 0.001
            case "s": scale = 1
            case "m": scale = 60
            case "h": scale = 3600
            case "d": scale = 86400
            default: return .failure(.malformed)
            }
            total += value * scale
            guard total.isFinite, total <= maxSeconds else { return .failure(.tooLong) }
        }
        return .success(seconds(total))
    }

    /// Seconds as a `Duration`; the caller has checked `0...maxSeconds`.
    public static func seconds(_ s: Double) -> Duration {
        let clamped = min(max(s.isNaN ? 0 : s, 0), maxSeconds)
        return .nanoseconds(Int64((clamped * 1e9).rounded()))
    }
}

extension DurationParser {
    /// A rate as `20/s`, `100/m` or `5/h`, in events per second, within
    /// `minRate...maxRate`.
    public static func parseRate(_ s: String) -> Double? {
        let parts = s.split(separator: "/")
        guard parts.count == 2, let n = Double(parts[0].trimmingCharacters()), n.isFinite, n > 0 else { return nil }
        let rate: Double
        switch parts[1].trimmingCharacters() {
        case "s": rate = n
        case "m": rate = n / 60
        case "h": rate = n / 3600
        default: return nil
        }
        return (minRate...maxRate).contains(rate) ? rate : nil
    }
}
