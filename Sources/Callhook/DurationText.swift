import RuleEngine

/// Durations, rates and addresses as users type them on the command line.
public enum DurationText {
    /// `500ms`, `30s`, `2m`, `1h`, `7d`, sums like `1h30m`, or plain seconds;
    /// at most 3650 days (`inf`, `nan` and larger values are refused).
    public static func parse(_ text: String) -> Duration? {
        if let seconds = Double(text) {
            guard seconds.isFinite, seconds >= 0, seconds <= DurationParser.maxSeconds else { return nil }
            return DurationParser.seconds(seconds)
        }
        return DurationParser.parse(text)
    }

    /// A rate as `2/s`, `30/m`, `100/h`, or a plain number per second.
    public static func parseRate(_ text: String) -> Double? {
        if let n = Double(text) { return (DurationParser.minRate...DurationParser.maxRate).contains(n) ? n : nil }
        return DurationParser.parseRate(text)
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
