/// A `PartyMatcher` with its list looked up once, when the rule set's box
/// is made (`ConditionCheck`): a `{ list = "NAME" }` condition found its
/// list by name, hashing the name, for every candidate rule and class of
/// every phase (docs/benchmarks.md).
enum ResolvedMatcher: Sendable {
    case pattern(NumberPattern)
    /// nil: no such list (the condition never holds, as by name).
    case list(NumberListRef?)
    case regex(CompiledRegex)

    init(_ m: PartyMatcher, lists: [String: NumberListRef]) {
        switch m {
        case .pattern(let p): self = .pattern(p)
        case .list(let name): self = .list(lists[name])
        case .regex(let r): self = .regex(r)
        }
    }

    /// What `PartyMatcher.matches` answers for the same number.
    func matches(_ n: PhoneNumber) -> Bool {
        switch self {
        case .pattern(let p): p.matches(n)
        case .list(let ref): ref?.contains(n) ?? false
        case .regex(let r): r.matches(n.isInternal ? n.raw : n.e164)
        }
    }
}
