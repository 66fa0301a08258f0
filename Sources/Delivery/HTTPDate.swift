import Calls

/// HTTP dates (RFC 9110 IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT`), for
/// `Retry-After`.
enum HTTPDate {
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Seconds since the epoch, or nil if the text is not an IMF-fixdate.
    static func parse(_ text: String) -> Int64? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]),
            let month = months.firstIndex(of: String(parts[2])), let year = Int(parts[3])
        else { return nil }
        let hms = parts[4].split(separator: ":").compactMap { Int($0) }
        // Bounded fields: the arithmetic below cannot overflow.
        guard hms.count == 3, (1...31).contains(day), (1970...9999).contains(year), (0..<24).contains(hms[0]),
            (0..<60).contains(hms[1]), (0...60).contains(hms[2])
        else { return nil }
        let days = EventTime.daysFromCivil(year: year, month: month + 1, day: day)
        return Int64(days) * 86400 + Int64(hms[0] * 3600 + hms[1] * 60 + hms[2])
    }
}
