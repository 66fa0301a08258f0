/// Durations as users type them on the command line and in config:
/// `500ms`, `30s`, `2m`, `1h`, `7d`, or sums like `1h30m`.
public enum DurationText {
    public static func parse(_ text: String) -> Duration? {
        var total: Duration = .zero
        var rest = Substring(text)
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isNumber || $0 == "." }
            guard !digits.isEmpty, let value = Double(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            let unit = rest.prefix { $0.isLetter }
            rest = rest.dropFirst(unit.count)
            let factor: Double
            switch unit {
            case "ms": factor = 0.001
            case "s", "": factor = 1
            case "m": factor = 60
            case "h": factor = 3600
            case "d": factor = 86400
            default: return nil
            }
            total += .nanoseconds(Int64((value * factor * 1e9).rounded()))
        }
        return total
    }

    /// A rate as `2/s`, `30/m`, `100/h`, or a plain number per second.
    public static func parseRate(_ text: String) -> Double? {
        let parts = text.split(separator: "/")
        if parts.count == 1 { return Double(text).flatMap { $0 > 0 ? $0 : nil } }
        guard parts.count == 2, let n = Double(parts[0]), n > 0 else { return nil }
        switch parts[1] {
        case "s": return n
        case "m": return n / 60
        case "h": return n / 3600
        default: return nil
        }
    }

    /// `host:port` → its parts; a bare port means 127.0.0.1.
    public static func parseAddress(_ text: String) -> (host: String, port: Int)? {
        if let port = Int(text) { return ("127.0.0.1", port) }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "127.0.0.1" : host, port)
    }
}
