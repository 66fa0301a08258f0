import Calls

/// Named time windows (`[schedule.NAME]`) in the rule set's time zone.
public struct Schedule: Sendable {
    public struct Window: Sendable, Hashable {
        /// Weekdays, 1 = Monday … 7 = Sunday.
        public var days: Set<Int>
        /// Minutes after local midnight; `end` may be ≤ `start` for windows
        /// that run past midnight.
        public var start: Int
        public var end: Int
    }

    public var name: String
    public var windows: [Window]
    /// Whole local days excluded, as days since 1970-01-01.
    public var except: Set<Int>

    /// Whether the local time (seconds since the epoch, already shifted into
    /// the time zone) is inside the schedule.
    public func contains(localSeconds: Int64) -> Bool {
        let day = Int(localSeconds >= 0 ? localSeconds / 86400 : (localSeconds - 86399) / 86400)
        if except.contains(day) { return false }
        let minute = Int(localSeconds - Int64(day) * 86400) / 60
        // 1970-01-01 was a Thursday (4).
        let weekday = ((day % 7 + 7) % 7 + 3) % 7 + 1
        let yesterday = (weekday + 5) % 7 + 1
        for w in windows {
            if w.end > w.start {
                if w.days.contains(weekday) && minute >= w.start && minute < w.end { return true }
            } else {
                // Past midnight: the evening part today, the morning part from yesterday's window.
                if w.days.contains(weekday) && minute >= w.start { return true }
                if w.days.contains(yesterday) && minute < w.end { return true }
            }
        }
        return false
    }

    static let dayNames = ["mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7]

    /// Parses `"Mon-Fri 08:00-18:00"`, `"Sat,Sun 10:00-14:00"`, `"daily 22:00-06:00"`.
    static func parseWindow(_ text: String) -> Window? {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2 else { return nil }
        var days = Set<Int>()
        let dayText = parts[0].lowercased()
        if dayText == "daily" {
            days = Set(1...7)
        } else {
            for item in dayText.split(separator: ",") {
                let range = item.split(separator: "-")
                guard let a = dayNames[String(range[0].prefix(3))], range[0].count >= 3 else { return nil }
                if range.count == 1 {
                    days.insert(a)
                } else if range.count == 2, let b = dayNames[String(range[1].prefix(3))] {
                    var d = a
                    while true {
                        days.insert(d)
                        if d == b { break }
                        d = d % 7 + 1
                    }
                } else {
                    return nil
                }
            }
        }
        let times = parts[1].split(separator: "-")
        guard times.count == 2, let start = minutes(times[0]), let end = minutes(times[1]), start != end, start < 1440
        else { return nil }
        return Window(days: days, start: start, end: end == 1440 && start < end ? 1440 : end % 1440)
    }

    static func minutes(_ s: Substring) -> Int? {
        let hm = s.split(separator: ":")
        guard hm.count == 2, hm[0].count <= 2, hm[1].count == 2, let h = Int(hm[0]), let m = Int(hm[1]), m < 60,
            h < 24 || (h == 24 && m == 0)
        else { return nil }
        return h * 60 + m
    }

    /// Parses `"2026-12-24"` into days since 1970-01-01.
    static func parseDay(_ s: String) -> Int? {
        let p = s.split(separator: "-")
        guard p.count == 3, p[0].count == 4, let y = Int(p[0]), let m = Int(p[1]), let d = Int(p[2]), (1...12).contains(m),
            (1...31).contains(d)
        else { return nil }
        return EventTime.daysFromCivil(year: y, month: m, day: d)
    }
}
