extension EventTime {
    /// Parses RFC 3339 (`2025-09-23T16:51:22.954969226+02:00`, `…Z`), with
    /// any number of fraction digits (nanoseconds kept). Returns nil for
    /// anything else; callers fall back to the arrival time.
    public init?(rfc3339 text: String) {
        var copy = text
        guard let parsed = copy.withUTF8({ Self.parse(UnsafeBufferPointer(rebasing: $0[...])) }) else { return nil }
        self = parsed
    }

    /// Parses from UTF-8 bytes without allocating.
    static func parse(_ buffer: UnsafeBufferPointer<UInt8>) -> EventTime? {
        var bytes = buffer[...]
        func number(_ n: Int) -> Int? {
            guard bytes.count >= n else { return nil }
            var v = 0
            for _ in 0..<n {
                let b = bytes.removeFirst()
                guard b >= 48 && b <= 57 else { return nil }
                v = v * 10 + Int(b - 48)
            }
            return v
        }
        func expect(_ c: UInt8...) -> Bool {
            guard let b = bytes.first, c.contains(b) else { return false }
            bytes.removeFirst()
            return true
        }
        guard let year = number(4), expect(45), let month = number(2), expect(45), let day = number(2),
            expect(84, 116, 32), let hour = number(2), expect(58), let minute = number(2), expect(58),
            let second = number(2)
        else { return nil }
        // Nanoseconds since 1970 in an Int64 reach from 1677 to 2262.
        guard (1678...2261).contains(year), (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60,
            second <= 60
        else { return nil }
        var nanos: Int64 = 0
        if expect(46) {
            var digits = 0
            while let b = bytes.first, b >= 48 && b <= 57 {
                bytes.removeFirst()
                if digits < 9 {
                    nanos = nanos * 10 + Int64(b - 48)
                    digits += 1
                }
            }
            guard digits > 0 else { return nil }
            for _ in digits..<9 { nanos *= 10 }
        }
        var offset = 0
        if expect(90, 122) {
            offset = 0
        } else if let sign = bytes.first, sign == 43 || sign == 45 {
            bytes.removeFirst()
            guard let oh = number(2), expect(58), let om = number(2) else { return nil }
            offset = (oh * 60 + om) * 60 * (sign == 45 ? -1 : 1)
        } else {
            return nil
        }
        guard bytes.isEmpty else { return nil }
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        let secs = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offset)
        return EventTime(nanoseconds: secs * 1_000_000_000 + nanos)
    }

    /// RFC 3339 in UTC with nanoseconds when there are any, or at a fixed
    /// offset from UTC in seconds.
    public func rfc3339(offsetSeconds: Int = 0, fraction: Bool = true) -> String {
        let local = nanoseconds + Int64(offsetSeconds) * 1_000_000_000
        let secs = local >= 0 ? local / 1_000_000_000 : (local - 999_999_999) / 1_000_000_000
        let nanos = Int(local - secs * 1_000_000_000)
        let days = secs >= 0 ? secs / 86_400 : (secs - 86_399) / 86_400
        let rem = Int(secs - days * 86_400)
        let (y, m, d) = Self.civilFromDays(Int(days))
        let offsetMinutes = abs(offsetSeconds) / 60
        guard (0...9999).contains(y), offsetMinutes < 100 * 60 else {
            return slowRFC3339(offsetSeconds: offsetSeconds, fraction: fraction)
        }
        // One allocation: at most "YYYY-MM-DDTHH:MM:SS.nnnnnnnnn+HH:MM".
        return String(unsafeUninitializedCapacity: 35) { buffer in
            var i = 0
            func put(_ v: Int, _ width: Int) {
                var v = v
                var k = i + width - 1
                while k >= i {
                    buffer[k] = UInt8(truncatingIfNeeded: 0x30 + v % 10)
                    v /= 10
                    k -= 1
                }
                i += width
            }
            func put(_ b: UInt8) {
                buffer[i] = b
                i += 1
            }
            put(y, 4)
            put(0x2D)
            put(m, 2)
            put(0x2D)
            put(d, 2)
            put(0x54)
            put(rem / 3600, 2)
            put(0x3A)
            put(rem / 60 % 60, 2)
            put(0x3A)
            put(rem % 60, 2)
            if fraction && nanos != 0 {
                put(0x2E)
                var digits = 9
                var n = nanos
                while n % 10 == 0 {
                    n /= 10
                    digits -= 1
                }
                put(n, digits)
            }
            if offsetSeconds == 0 {
                put(0x5A)
            } else {
                put(offsetSeconds < 0 ? 0x2D : 0x2B)
                put(offsetMinutes / 60, 2)
                put(0x3A)
                put(offsetMinutes % 60, 2)
            }
            return i
        }
    }

    /// The same text for years outside 0…9999 and offsets of 100 hours or more.
    func slowRFC3339(offsetSeconds: Int, fraction: Bool) -> String {
        let local = nanoseconds + Int64(offsetSeconds) * 1_000_000_000
        let secs = local >= 0 ? local / 1_000_000_000 : (local - 999_999_999) / 1_000_000_000
        let nanos = local - secs * 1_000_000_000
        let days = secs >= 0 ? secs / 86_400 : (secs - 86_399) / 86_400
        let rem = Int(secs - days * 86_400)
        let (y, m, d) = Self.civilFromDays(Int(days))
        func pad(_ v: Int, _ w: Int) -> String {
            let s = String(v)
            return s.count >= w ? s : String(repeating: "0", count: w - s.count) + s
        }
        var out = "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(rem / 3600, 2)):\(pad(rem / 60 % 60, 2)):\(pad(rem % 60, 2))"
        if fraction && nanos != 0 {
            var f = pad(Int(nanos), 9)
            while f.hasSuffix("0") { f.removeLast() }
            out += "." + f
        }
        if offsetSeconds == 0 {
            out += "Z"
        } else {
            let a = abs(offsetSeconds) / 60
            out += (offsetSeconds < 0 ? "-" : "+") + pad(a / 60, 2) + ":" + pad(a % 60, 2)
        }
        return out
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day count since 1970-01-01.
    public static func civilFromDays(_ z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
