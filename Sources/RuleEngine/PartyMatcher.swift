/// One way a `caller`, `callee` or `remote` condition can hold.
public enum PartyMatcher: Sendable {
    case pattern(NumberPattern)
    /// `{ list = "NAME" }`
    case list(String)
    /// `{ regex = "…" }`, matched against the E.164 form (extensions: raw).
    case regex(CompiledRegex)

    func matches(_ n: PhoneNumber, lists: [String: NumberListRef]) -> Bool {
        switch self {
        case .pattern(let p): p.matches(n)
        case .list(let name): lists[name]?.contains(n) ?? false
        case .regex(let r): r.matches(n.isInternal ? n.raw : n.e164)
        }
    }
}

/// A regular expression compiled once at load.
///
/// `@unchecked Sendable`: the compiled regex is never mutated after init,
/// and matching does not mutate it.
public struct CompiledRegex: @unchecked Sendable {
    public let source: String
    private let regex: Regex<AnyRegexOutput>

    public init(_ source: String) throws {
        self.source = source
        self.regex = try Regex(source)
    }

    public func matches(_ s: String) -> Bool { (try? regex.firstMatch(in: s)) != nil }
}
