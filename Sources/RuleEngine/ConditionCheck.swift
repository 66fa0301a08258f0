/// A loaded `when`, behind one reference. `Condition` is a struct of some
/// twenty tables; the engine evaluates one for every candidate rule and
/// class of every phase event, and reading it out of a rule (or an
/// optional, for a class) to evaluate it copied it whole, every table
/// retained and released (docs/benchmarks.md).
final class ConditionCheck: Sendable {
    let condition: Condition

    init(_ condition: Condition) { self.condition = condition }

    func holds(_ c: EvaluationContext) -> Bool { condition.holds(c) }
}
