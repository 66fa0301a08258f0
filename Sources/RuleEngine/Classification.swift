import Calls

/// The result of classifying a call's remote party.
public struct Classification: Sendable, Hashable {
    public var name: String
    public var ringtone: String
    public var alertInfo: String?

    public init(name: String, ringtone: String, alertInfo: String? = nil) {
        self.name = name
        self.ringtone = ringtone
        self.alertInfo = alertInfo
    }
}

extension RuleSet {
    /// User classes in order, then the built-in `internal`, `anonymous`,
    /// `external`. The first class whose `when` holds wins; `checks` are
    /// the classes' conditions (`RuleSetBox.classChecks`).
    func classify(_ c: EvaluationContext, checks: [ConditionCheck?]) -> Classification {
        // Read in place through a pointer: a definition is never copied
        // whole (nor the set, into the closure).
        let ringtone = settings.ringtone
        let matched: Classification? = classes.withUnsafeBufferPointer { defs in
            guard let first = defs.baseAddress else { return nil }
            for i in defs.indices where checks[i]?.holds(c) == true {
                let def = first + i
                return Classification(
                    name: def.pointee.name, ringtone: def.pointee.ringtone ?? ringtone, alertInfo: def.pointee.alertInfo)
            }
            return nil
        }
        if let matched { return matched }
        var builtin = "external"
        _ = c.withParty(.remote) { remote in
            builtin = PhoneNumber.isAnonymous(remote.raw) ? "anonymous" : (remote.isInternal ? "internal" : "external")
            return true
        }
        // The built-in class's own settings, if configured; read in place.
        for i in classes.indices where classes[i].when == nil && classes[i].name == builtin {
            return Classification(
                name: builtin, ringtone: classes[i].ringtone ?? settings.ringtone, alertInfo: classes[i].alertInfo)
        }
        return Classification(name: builtin, ringtone: settings.ringtone, alertInfo: nil)
    }
}
