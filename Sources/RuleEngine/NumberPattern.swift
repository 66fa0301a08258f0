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

    /// Parses one entry; nil when it is not a number or pattern.
    public static func parse(_ text: String, settings: Settings) -> NumberPattern? {
        var t = text.trimmingCharacters()
        let isPrefix = t.hasSuffix("*")
        if isPrefix { t.removeLast() }
        let allowed = Set("+0123456789 ()-./")
        guard !t.isEmpty, t.allSatisfy({ allowed.contains($0) }), !t.dropFirst().contains("+") else { return nil }
        let digits = t.filter(\.isNumber)
        guard !digits.isEmpty else { return nil }
        let global =
            t.hasPrefix("+") || digits.hasPrefix(settings.internationalPrefix)
            || (!settings.nationalPrefix.isEmpty && digits.hasPrefix(settings.nationalPrefix) && settings.countryCode != nil
                && (isPrefix || digits.count > settings.extensionDigits))
            || digits.count > settings.extensionDigits
        if !global {
            return isPrefix ? .extensionPrefix(digits) : .extension(digits)
        }
        let e164 = PhoneNumber.e164Digits(t, settings: settings)
        guard !e164.isEmpty, e164.count <= 15 || isPrefix else { return nil }
        if isPrefix { return .prefix(e164) }
        guard let value = UInt64(e164) else { return nil }
        return .number(value)
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
