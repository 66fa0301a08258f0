/// A rule set shared by reference: the engine hands it to each phase's
/// `EvaluationContext` with one retain instead of copying the set's tables.
final class RuleSetBox: Sendable {
    let set: RuleSet

    init(_ set: RuleSet) { self.set = set }
}
