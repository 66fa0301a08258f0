/// A number or a prefix as lists and conditions write it (`"+49 89 1234567"`,
/// `"+4930*"`, `"1*"` for extensions), normalized once at load.
public enum NumberPattern: Sendable, Hashable {
    /// A global number: its E.164 digits as an integer.
    case number(UInt64)
    /// Any global number whose E.164 digits start with these.
    case prefix(String)
    /// An internal extension, as written.
    case `extension`(String)
    /// Any extension starting with this.
    case extensionPrefix(String)

    /// Parses one entry; nil when it is not a number or pattern. Works on
    /// bytes: list files of a million entries go through here.
    public static func parse(_ text: String, settings: Settings) -> NumberPattern? {
        var digits: [UInt8] = []
        digits.reserveCapacity(20)
        var plus = false
        var star = false
        var seenContent = false
        for b in text.utf8 {
            switch b {
            case 0x30...0x39:
                guard !star else { return nil }
                digits.append(b)
                seenContent = true
            case UInt8(ascii: "+"):
                guard !seenContent, !plus else { return nil }
                plus = true
                seenContent = true
            case UInt8(ascii: "*"):
                guard !star else { return nil }
                star = true
            case UInt8(ascii: " "), UInt8(ascii: "\t"), 0x0D, UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "-"),
                UInt8(ascii: "."), UInt8(ascii: "/"):
                guard !star || b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == 0x0D else { return nil }
            default:
                return nil
            }
        }
        guard !digits.isEmpty else { return nil }
        let d = String(decoding: digits, as: UTF8.self)
        let national = settings.nationalPrefix
        let global =
            plus || (!settings.internationalPrefix.isEmpty && d.hasPrefix(settings.internationalPrefix))
            || (!national.isEmpty && d.hasPrefix(national) && settings.countryCode != nil
                && (star || digits.count > settings.extensionDigits))
            || digits.count > settings.extensionDigits
        if !global {
            return star ? .extensionPrefix(d) : .extension(d)
        }
        let e164: String
        if plus {
            e164 = d
        } else if !settings.internationalPrefix.isEmpty, d.hasPrefix(settings.internationalPrefix) {
            e164 = String(d.dropFirst(settings.internationalPrefix.count))
        } else if !national.isEmpty, d.hasPrefix(national), let cc = settings.countryCode {
            e164 = cc + d.dropFirst(national.count)
        } else {
            e164 = d
        }
        guard !e164.isEmpty else { return nil }
        if star { return .prefix(e164) }
        guard e164.utf8.count <= 15, let value = UInt64(e164) else { return nil }
        return .number(value)
    }

    /// The usual list entry, a global number written with `+`
    /// (`+49 89 1234567`), read straight from its bytes: its E.164 digits
    /// as an integer, exactly what `parse` gives for it. nil for anything
    /// else (which `parse` then reads, or rejects).
    static func plusNumber(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
        var value: UInt64 = 0
        var digits = 0
        var plus = false
        for b in bytes {
            switch b {
            case 0x30...0x39:
                guard plus, digits < 15 else { return nil }
                value = value * 10 + UInt64(b - 0x30)
                digits += 1
            case UInt8(ascii: "+"):
                guard !plus else { return nil }
                plus = true
            case UInt8(ascii: " "), UInt8(ascii: "\t"), 0x0D, UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "-"),
                UInt8(ascii: "."), UInt8(ascii: "/"):
                continue
            default:
                return nil
            }
        }
        return digits > 0 ? value : nil
    }

    /// Whether an extension number matches: what `matches` answers for an
    /// internal party with that raw number, without building its forms.
    public func matches(extension raw: String) -> Bool {
        switch self {
        case .extension(let e): raw == e
        case .extensionPrefix(let p): raw.hasPrefix(p)
        case .number, .prefix: false
        }
    }

    /// Whether a party's number matches.
    public func matches(_ n: PhoneNumber) -> Bool {
        switch self {
        case .number(let v): return !n.isInternal && n.key == v
        case .prefix(let p): return !n.isInternal && !n.digits.isEmpty && n.digits.hasPrefix(p)
        case .extension(let e): return n.isInternal && n.raw == e
        case .extensionPrefix(let p): return n.isInternal && n.raw.hasPrefix(p)
        }
    }
}
