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
    public func classify(_ event: CallPhaseEvent) -> Classification {
        for c in classes {
            guard let when = c.when else { continue }
            if when.holds(event, className: nil) {
                return Classification(name: c.name, ringtone: c.ringtone ?? settings.ringtone, alertInfo: c.alertInfo)
            }
        }
        let builtin = builtinClass(of: event.leg)
        let configured = classes.first { $0.name == builtin && $0.when == nil }
        return Classification(
            name: builtin, ringtone: configured?.ringtone ?? settings.ringtone, alertInfo: configured?.alertInfo)
    }

    /// `internal`, `anonymous` or `external` for the remote party of a leg.
    public func builtinClass(of leg: CallLeg) -> String {
        let number = leg.remoteNumber
        if PhoneNumber.isAnonymous(number) { return "anonymous" }
        if PhoneNumber.isInternal(number, context: leg.remoteContext, customer: leg.key.customer, settings: settings) {
            return "internal"
        }
        return "external"
    }
}
