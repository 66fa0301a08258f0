/// A loaded `when`, behind one reference. `Condition` is a struct of some
/// twenty tables; the engine evaluates one for every candidate rule and
/// class of every phase event, and reading it out of a rule (or an
/// optional, for a class) to evaluate it copied it whole, every table
/// retained and released (docs/benchmarks.md).
///
/// Its own `caller`, `callee` and `remote` matchers come with their lists
/// already looked up (`ResolvedMatcher`); nested `not` and `any`
/// conditions find theirs by name.
final class ConditionCheck: Sendable {
    let condition: Condition
    let caller: [ResolvedMatcher]?
    let callee: [ResolvedMatcher]?
    let remote: [ResolvedMatcher]?

    init(_ condition: Condition, lists: [String: NumberListRef]) {
        self.condition = condition
        caller = condition.caller.map { $0.map { ResolvedMatcher($0, lists: lists) } }
        callee = condition.callee.map { $0.map { ResolvedMatcher($0, lists: lists) } }
        remote = condition.remote.map { $0.map { ResolvedMatcher($0, lists: lists) } }
    }

    func holds(_ c: EvaluationContext) -> Bool { condition.holds(c, resolved: self) }

    /// One of the condition's party keys, on the party it names.
    func party(_ side: EvaluationContext.Side, _ c: EvaluationContext) -> Bool {
        let matchers: [ResolvedMatcher]
        switch side {
        case .caller: matchers = caller ?? []
        case .callee: matchers = callee ?? []
        case .remote: matchers = remote ?? []
        }
        return c.withParty(side) { n in
            for i in matchers.indices where matchers[i].matches(n) { return true }
            return false
        }
    }
}
