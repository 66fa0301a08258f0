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

    public init(raw: String, isInternal: Bool, settings: Settings) {
        self.raw = raw
        self.isInternal = isInternal
        if isInternal || raw.isEmpty {
            e164 = raw
            digits = raw.filter(\.isNumber)
            national = raw
            return
        }
        let international = Self.e164Digits(raw, settings: settings)
        digits = international
        key = international.count <= 19 ? UInt64(international) : nil
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
        var digits: [UInt8] = []
        digits.reserveCapacity(raw.utf8.count)
        var plus = false
        var seenDigit = false
        for b in raw.utf8 {
            if b >= 0x30 && b <= 0x39 {
                digits.append(b)
                seenDigit = true
            } else if b == UInt8(ascii: "+") && !seenDigit {
                plus = true
            }
        }
        let onlyDigits = String(decoding: digits, as: UTF8.self)
        if plus { return onlyDigits }
        if !settings.internationalPrefix.isEmpty, onlyDigits.hasPrefix(settings.internationalPrefix) {
            return String(onlyDigits.dropFirst(settings.internationalPrefix.count))
        }
        if !settings.nationalPrefix.isEmpty, onlyDigits.hasPrefix(settings.nationalPrefix), let cc = settings.countryCode {
            return cc + onlyDigits.dropFirst(settings.nationalPrefix.count)
        }
        // NFON sends global numbers without a prefix (`49891234567`).
        return onlyDigits
    }

    public static func isAnonymous(_ number: String) -> Bool {
        // Numbers start with a digit or `+`: no need to look further.
        if let first = number.utf8.first, first == UInt8(ascii: "+") || (first >= 0x30 && first <= 0x39) { return false }
        let n = number.lowercased()
        return n.isEmpty || n == "anonymous" || n == "unknown" || n == "restricted" || n == "private"
    }

    /// An extension of the same tenant: its context is the tenant's
    /// K-account, or (no context) it has at most `extension_digits` digits.
    static func isInternal(_ number: String, context: String?, customer: String, settings: Settings) -> Bool {
        if let context, context.lowercased() == "global" { return false }
        if let context, !customer.isEmpty, context == customer { return true }
        let count = number.utf8.count
        return count > 0 && count <= settings.extensionDigits && number.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }
}
