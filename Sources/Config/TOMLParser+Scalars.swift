extension TOMLParser {
    mutating func numberOrDate() throws(TOMLSyntaxError) -> TOMLNode {
        let (l, c) = position
        let start = i
        while let b = peek(), !(b == 0x2C || b == 0x5D || b == 0x7D || b == 0x23 || b == 0x0A || b == 0x0D || b == 0x09) {
            // A space ends the value, except between a date and a time.
            if b == 0x20 {
                let soFar = String(decoding: bytes[start..<i], as: UTF8.self)
                if Self.isDate(soFar), i + 1 < bytes.count, bytes[i + 1] >= 0x30 && bytes[i + 1] <= 0x39 {
                    advance()
                    continue
                }
                break
            }
            advance()
        }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        if text.isEmpty { throw error(l, c, "expected a value") }
        if let v = Self.integer(text) { return .int(v) }
        if let d = Self.float(text) { return .double(d) }
        if Self.isDateTime(text) { return .datetime(text) }
        throw error(l, c, "`\(text.prefix(40))` is not a valid value (strings need quotes)")
    }

    static func integer(_ t: String) -> Int? {
        var s = Substring(t)
        var sign = 1
        if s.first == "+" || s.first == "-" {
            if s.first == "-" { sign = -1 }
            s = s.dropFirst()
            if s.hasPrefix("0x") || s.hasPrefix("0o") || s.hasPrefix("0b") { return nil }
        }
        var radix = 10
        if s.hasPrefix("0x") { radix = 16 } else if s.hasPrefix("0o") { radix = 8 } else if s.hasPrefix("0b") { radix = 2 }
        if radix != 10 { s = s.dropFirst(2) }
        guard let first = s.first, first != "_", s.last != "_", !s.contains("__") else { return nil }
        if radix == 10 && s.count > 1 && first == "0" { return nil }
        let digits = s.filter { $0 != "_" }
        guard let v = Int(digits, radix: radix) else { return nil }
        return sign == 1 ? v : -v
    }

    static func float(_ t: String) -> Double? {
        switch t {
        case "inf", "+inf": return .infinity
        case "-inf": return -.infinity
        case "nan", "+nan", "-nan": return .nan
        default: break
        }
        guard t.contains(".") || t.contains("e") || t.contains("E") else { return nil }
        let s = t.hasPrefix("+") || t.hasPrefix("-") ? t.dropFirst() : Substring(t)
        guard let f = s.first, f.isNumber, let l = s.last, l.isNumber, !s.contains("__"), !s.contains("_."), !s.contains("._"),
            !s.hasPrefix("0") || s.count == 1 || s.dropFirst().first == "." || s.dropFirst().first == "e"
                || s.dropFirst().first == "E"
        else { return nil }
        if let dot = s.firstIndex(of: ".") {
            let after = s[s.index(after: dot)...]
            guard let a = after.first, a.isNumber else { return nil }
        }
        return Double(t.filter { $0 != "_" })
    }

    static func isDate(_ t: String) -> Bool {
        let b = Array(t.utf8)
        guard b.count == 10 else { return false }
        for (n, c) in b.enumerated() {
            if n == 4 || n == 7 { if c != 0x2D { return false } } else if !(c >= 0x30 && c <= 0x39) { return false }
        }
        return true
    }

    static func isDateTime(_ t: String) -> Bool {
        let b = Array(t.utf8)
        func digits(_ r: Range<Int>) -> Bool { r.upperBound <= b.count && r.allSatisfy { b[$0] >= 0x30 && b[$0] <= 0x39 } }
        // Local time: HH:MM:SS[.frac]
        if b.count >= 8 && b[2] == 0x3A && digits(0..<2) && digits(3..<5) && b[5] == 0x3A && digits(6..<8) {
            return b.count == 8 || (b[8] == 0x2E && b.count > 9 && digits(9..<b.count))
        }
        guard isDate(String(decoding: b.prefix(10), as: UTF8.self)) else { return false }
        if b.count == 10 { return true }
        guard b.count >= 19, b[10] == 0x54 || b[10] == 0x74 || b[10] == 0x20 else { return false }
        return EventTimeLike.validTime(Array(b[11...]))
    }
}

/// Time-of-day validation for TOML datetimes (`HH:MM:SS[.frac][Z|±HH:MM]`).
enum EventTimeLike {
    static func validTime(_ b: [UInt8]) -> Bool {
        func d(_ k: Int) -> Bool { k < b.count && b[k] >= 0x30 && b[k] <= 0x39 }
        guard b.count >= 8, d(0), d(1), b[2] == 0x3A, d(3), d(4), b[5] == 0x3A, d(6), d(7) else { return false }
        var k = 8
        if k < b.count && b[k] == 0x2E {
            k += 1
            guard d(k) else { return false }
            while d(k) { k += 1 }
        }
        if k == b.count { return true }
        if (b[k] == 0x5A || b[k] == 0x7A) && k + 1 == b.count { return true }
        guard b[k] == 0x2B || b[k] == 0x2D, b.count == k + 6, d(k + 1), d(k + 2), b[k + 3] == 0x3A, d(k + 4), d(k + 5) else {
            return false
        }
        return true
    }
}
