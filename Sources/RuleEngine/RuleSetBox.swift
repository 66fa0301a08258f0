/// A rule set shared by reference: the engine hands it to each phase's
/// `EvaluationContext` with one retain instead of copying the set's tables.
final class RuleSetBox: Sendable {
    let set: RuleSet
    /// The set's `[settings]`, read on every party's normalization: a
    /// method called on `set` copied the whole set (every table retained)
    /// to call it.
    let settings: Settings
    /// Each rule's `when`, by the rule's index in `set.rules`.
    let ruleChecks: [ConditionCheck]
    /// Each class's `when` (nil for a built-in class's settings), by the
    /// class's index in `set.classes`.
    let classChecks: [ConditionCheck?]
    /// The set's lists, each behind one reference.
    let lists: [String: NumberListRef]

    init(_ set: RuleSet) {
        self.set = set
        settings = set.settings
        let lists = set.lists.mapValues(NumberListRef.init)
        self.lists = lists
        ruleChecks = set.rules.map { ConditionCheck($0.when, lists: lists) }
        classChecks = set.classes.map { $0.when.map { ConditionCheck($0, lists: lists) } }
    }
}
