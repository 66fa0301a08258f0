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
    /// `external`. The first class whose `when` holds wins.
    func classify(_ c: EvaluationContext) -> Classification {
        for def in classes {
            guard let when = def.when else { continue }
            if when.holds(c) {
                return Classification(name: def.name, ringtone: def.ringtone ?? settings.ringtone, alertInfo: def.alertInfo)
            }
        }
        let builtin: String
        if let remote = c.remote {
            builtin = PhoneNumber.isAnonymous(remote.raw) ? "anonymous" : (remote.isInternal ? "internal" : "external")
        } else {
            builtin = "external"
        }
        let configured = classes.first { $0.name == builtin && $0.when == nil }
        return Classification(
            name: builtin, ringtone: configured?.ringtone ?? settings.ringtone, alertInfo: configured?.alertInfo)
    }
}
