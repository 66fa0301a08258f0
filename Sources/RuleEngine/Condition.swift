import Calls

/// A rule's or class's `when`: every key present must hold; a list of
/// values holds when any of them does.
public struct Condition: Sendable {
    public var direction: [Direction]?
    public var classes: [String]?
    public var answered: Bool?
    public var causes: [EndCause]?
    public var customers: [String]?
    public var not: [Condition] = []
    public var any: [[Condition]] = []

    public init() {}

    /// True when the condition has no keys (always holds).
    public var isEmpty: Bool {
        direction == nil && classes == nil && answered == nil && causes == nil && customers == nil && not.isEmpty
            && any.isEmpty
    }

    /// Evaluates the condition for a call phase and the remote party's class.
    public func holds(_ event: CallPhaseEvent, className: String?) -> Bool {
        let leg = event.leg
        if let direction, !direction.contains(leg.direction) { return false }
        if let classes {
            guard let className, classes.contains(className) else { return false }
        }
        if let answered, leg.answered != answered { return false }
        if let causes {
            guard let cause = leg.cause, causes.contains(cause) else { return false }
        }
        if let customers, !customers.contains(leg.key.customer) { return false }
        for n in not where n.holds(event, className: className) { return false }
        for group in any where !group.contains(where: { $0.holds(event, className: className) }) { return false }
        return true
    }

    /// Keys the condition uses (for phase applicability checks).
    var usedKeys: Set<String> {
        var k = Set<String>()
        if direction != nil { k.insert("direction") }
        if classes != nil { k.insert("class") }
        if answered != nil { k.insert("answered") }
        if causes != nil { k.insert("cause") }
        if customers != nil { k.insert("customer") }
        for n in not { k.formUnion(n.usedKeys) }
        for g in any { for c in g { k.formUnion(c.usedKeys) } }
        return k
    }
}
