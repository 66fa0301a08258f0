import Calls

/// A phone number in the forms templates and conditions use.
public struct PhoneNumber: Sendable, Hashable {
    /// As the PBX sent it.
    public var raw: String
    /// E.164 (`+49891234567`); extensions stay as they are.
    public var e164: String
    /// E.164 without the `+`.
    public var digits: String
    /// National form (`0891234567`), when the country is known.
    public var national: String
    public var isInternal: Bool
    /// The E.164 digits as an integer, for fast list look-ups (nil for extensions).
    public var key: UInt64?

    /// `settings` is borrowed: an initializer takes its arguments owned
    /// unless told, and the copy retained every string of the settings
    /// for each party of each phase.
    public init(raw: String, isInternal: Bool, settings: borrowing Settings) {
        self.raw = raw
        self.isInternal = isInternal
        if isInternal || raw.isEmpty {
            e164 = raw
            // ASCII (every number a PBX sends) is filtered byte by byte.
            digits =
                raw.utf8AllSatisfy { $0 < 0x80 }
                ? (raw.utf8AllSatisfy { $0 >= 0x30 && $0 <= 0x39 }
                    ? raw : String(decoding: raw.utf8.filter { $0 >= 0x30 && $0 <= 0x39 }, as: UTF8.self))
                : raw.filter(\.isNumber)
            national = raw
            return
        }
        let international = Self.e164Digits(raw, settings: settings)
        digits = international
        // Only ASCII digits: bytes and characters count the same.
        key = international.utf8.count <= 19 ? UInt64(international) : nil
        e164 = "+" + international
        if let cc = settings.countryCode, international.hasPrefix(cc) {
            national = settings.nationalPrefix + international.dropFirst(cc.count)
        } else {
            national = settings.internationalPrefix + international
        }
    }

    /// E.164 digits (no `+`) of a global number in any form: `+49 (89) 123-4567`,
    /// `0049891234567`, `089 1234567` (with a country code set), `49891234567`.
    static func e164Digits(_ raw: String, settings: Settings) -> String {
        let count = raw.utf8.count
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(count, 1)) { buffer in
            var n = 0
            var plus = false
            var seenDigit = false
            for b in raw.utf8 {
                if b >= 0x30 && b <= 0x39 {
                    buffer[n] = b
                    n += 1
                    seenDigit = true
                } else if b == UInt8(ascii: "+") && !seenDigit {
                    plus = true
                }
            }
            let digits = UnsafeBufferPointer(rebasing: buffer[..<n])
            if plus { return String(decoding: digits, as: UTF8.self) }
            // The prefixes are compared as bytes: the digits are ASCII, so
            // only an ASCII prefix can match, as with `hasPrefix`.
            let international = settings.internationalPrefix.utf8
            if !international.isEmpty, digits.starts(with: international) {
                return String(decoding: digits.dropFirst(international.count), as: UTF8.self)
            }
            let national = settings.nationalPrefix.utf8
            if !national.isEmpty, digits.starts(with: national), let cc = settings.countryCode {
                return cc + String(decoding: digits.dropFirst(national.count), as: UTF8.self)
            }
            // NFON sends global numbers without a prefix (`49891234567`).
            return String(decoding: digits, as: UTF8.self)
        }
    }

    public static func isAnonymous(_ number: String) -> Bool {
        // Numbers start with a digit or `+`: no need to look further.
        if let first = number.utf8.first, first == UInt8(ascii: "+") || (first >= 0x30 && first <= 0x39) { return false }
        let n = number.lowercased()
        return n.isEmpty || n == "anonymous" || n == "unknown" || n == "restricted" || n == "private"
    }

    /// `context.lowercased() == "global"`, without allocating for ASCII.
    static func isGlobal(_ context: String) -> Bool {
        // NFON writes it in lowercase: one comparison of small strings.
        if context == "global" { return true }
        guard context.utf8AllSatisfy({ $0 < 0x80 }) else { return context.lowercased() == "global" }
        guard context.utf8.count == 6 else { return false }
        var equal = true
        for (a, b) in zip(context.utf8, "global".utf8) where a | 0x20 != b { equal = false }
        return equal
    }

    /// An extension of the same tenant: its context is the tenant's
    /// K-account, or (no context) it has at most `extension_digits` digits.
    static func isInternal(_ number: String, context: String?, customer: String, settings: Settings) -> Bool {
        if let context, Self.isGlobal(context) { return false }
        if let context, !customer.isEmpty, context == customer { return true }
        let count = number.utf8.count
        return count > 0 && count <= settings.extensionDigits && number.utf8AllSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }
}
