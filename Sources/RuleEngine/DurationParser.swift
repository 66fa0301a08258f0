/// Parses durations as rule files write them: `800ms`, `10s`, `2m`, `1h`,
/// `7d`, and sums such as `1h30m`.
enum DurationParser {
    static func parse(_ text: String) -> Duration? {
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
