import Calls

/// A rule's or class's `when`: every key present must hold; a list of
/// values holds when any of them does.
public struct Condition: Sendable {
    public var direction: [Direction]?
    public var classes: [String]?
    public var extensions: [NumberPattern]?
    public var caller: [PartyMatcher]?
    public var callee: [PartyMatcher]?
    public var remote: [PartyMatcher]?
    public var customers: [String]?
    public var answered: Bool?
    public var causes: [EndCause]?
    public var minDuration: Duration?
    public var maxDuration: Duration?
    public var minRing: Duration?
    public var during: [String]?
    public var outside: [String]?
    public var line: [String]?
    public var presence: [String]?
    public var previousLine: [String]?
    public var previousPresence: [String]?
    public var match: [(path: [String], globs: [Glob])] = []
    public var not: [Condition] = []
    public var any: [[Condition]] = []

    public init() {}

    /// Evaluates the condition for one phase event; `resolved` (this
    /// condition's `ConditionCheck`) has its party matchers' lists looked
    /// up already.
    func holds(_ c: EvaluationContext, resolved: ConditionCheck? = nil) -> Bool {
        if let direction {
            guard let leg = c.leg, direction.contains(leg.direction) else { return false }
        }
        if let classes {
            guard let name = c.className, classes.contains(name) else { return false }
        }
        if let customers, !customers.contains(c.customer) { return false }
        if let extensions {
            let ext = c.extensionNumber
            guard extensions.contains(where: { $0.matches(extension: ext) }) else { return false }
        }
        if let caller, !(resolved?.party(.caller, c) ?? party(.caller, caller, c)) { return false }
        if let callee, !(resolved?.party(.callee, c) ?? party(.callee, callee, c)) { return false }
        if let remote, !(resolved?.party(.remote, c) ?? party(.remote, remote, c)) { return false }
        if let answered {
            guard let leg = c.leg, leg.answered == answered else { return false }
        }
        if let causes {
            guard let cause = c.leg?.cause, causes.contains(cause) else { return false }
        }
        if let minDuration {
            guard let leg = c.leg, leg.talkDuration >= minDuration else { return false }
        }
        if let maxDuration {
            guard let leg = c.leg, leg.talkDuration <= maxDuration else { return false }
        }
        if let minRing {
            guard let leg = c.leg, leg.ringDuration >= minRing else { return false }
        }
        if let during, !during.contains(where: { c.inSchedule($0) }) { return false }
        if let outside, outside.contains(where: { c.inSchedule($0) }) { return false }
        if let line, !value(c.lineChange?.line, in: line) { return false }
        if let presence, !value(c.lineChange?.presence, in: presence) { return false }
        if let previousLine, !value(c.lineChange?.previousLine, in: previousLine) { return false }
        if let previousPresence, !value(c.lineChange?.previousPresence, in: previousPresence) { return false }
        for m in match {
            let text = c.variables.text(at: m.path)
            guard m.globs.contains(where: { $0.matches(text) }) else { return false }
        }
        for n in not where n.holds(c) { return false }
        for group in any where !group.contains(where: { $0.holds(c) }) { return false }
        return true
    }

    private func party(_ side: EvaluationContext.Side, _ matchers: [PartyMatcher], _ c: EvaluationContext) -> Bool {
        // The number, the matchers and the lists are read in place:
        // `contains(where:)` copied each matcher, and a list read out of
        // the table was copied whole (its sets and trie retained).
        let lists = c.box.lists
        return c.withParty(side) { n in
            for i in matchers.indices where matchers[i].matches(n, lists: lists) { return true }
            return false
        }
    }

    private func value(_ v: String?, in allowed: [String]) -> Bool {
        guard let v else { return false }
        return allowed.contains(v)
    }

    /// Keys the condition uses, including nested ones (phase applicability).
    var usedKeys: Set<String> {
        var k = Set<String>()
        func add(_ key: String, _ present: Bool) { if present { k.insert(key) } }
        add("direction", direction != nil)
        add("class", classes != nil)
        add("extension", extensions != nil)
        add("caller", caller != nil)
        add("callee", callee != nil)
        add("remote", remote != nil)
        add("customer", customers != nil)
        add("answered", answered != nil)
        add("cause", causes != nil)
        add("min_duration", minDuration != nil)
        add("max_duration", maxDuration != nil)
        add("min_ring", minRing != nil)
        add("during", during != nil)
        add("outside", outside != nil)
        add("line", line != nil)
        add("presence", presence != nil)
        add("previous_line", previousLine != nil)
        add("previous_presence", previousPresence != nil)
        add("match", !match.isEmpty)
        for n in not { k.formUnion(n.usedKeys) }
        for g in any { for c in g { k.formUnion(c.usedKeys) } }
        return k
    }

    /// Schedules, lists and classes named anywhere in the condition.
    var references: (schedules: [String], lists: [String], classes: [String]) {
        var s = (during ?? []) + (outside ?? [])
        var l: [String] = []
        for m in (caller ?? []) + (callee ?? []) + (remote ?? []) { if case .list(let n) = m { l.append(n) } }
        var c = classes ?? []
        for n in not + any.flatMap({ $0 }) {
            let r = n.references
            s += r.schedules
            l += r.lists
            c += r.classes
        }
        return (s, l, c)
    }

    /// The phases a condition key can apply to.
    static let phasesOfKey: [String: Set<Phase>] = {
        let call: Set<Phase> = [.incoming, .outgoing, .answered, .ended, .missed]
        let end: Set<Phase> = [.ended, .missed]
        let all = Set(Phase.allCases)
        return [
            "direction": call, "class": call, "caller": call, "callee": call, "remote": call, "answered": end, "cause": end,
            "min_duration": end, "max_duration": end, "min_ring": [.answered, .ended, .missed], "line": [.line],
            "presence": [.line], "previous_line": [.line], "previous_presence": [.line], "extension": all, "customer": all,
            "during": all, "outside": all, "match": all,
        ]
    }()
}
