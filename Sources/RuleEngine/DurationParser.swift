/// Parses durations as rule files write them: `800ms`, `10s`, `2m`, `1h`,
/// `7d`, and sums such as `1h30m`.
public enum DurationParser {
    public static func parse(_ text: String) -> Duration? {
        var total: Duration = .zero
        var rest = Substring(text.trimmingCharacters())
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isNumber || $0 == "." }
            guard !digits.isEmpty, let value = Double(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            let unit = rest.prefix { $0.isLetter }
            rest = rest.dropFirst(unit.count)
            let seconds: Double
            switch unit {
            case "ms": seconds = value / 1000
            case "s": seconds = value
            case "m": seconds = value * 60
            case "h": seconds = value * 3600
            case "d": seconds = value * 86400
            default: return nil
            }
            total += .nanoseconds(Int64((seconds * 1e9).rounded()))
        }
        return total
    }
}

extension DurationParser {
    /// A rate as `20/s`, `100/m` or `5/h`, in events per second.
    public static func parseRate(_ s: String) -> Double? {
        let parts = s.split(separator: "/")
        guard parts.count == 2, let n = Double(parts[0].trimmingCharacters()), n > 0 else { return nil }
        switch parts[1].trimmingCharacters() {
        case "s": return n
        case "m": return n / 60
        case "h": return n / 3600
        default: return nil
        }
    }
}
