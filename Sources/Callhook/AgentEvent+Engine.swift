import Agents
import Calls
import RuleEngine

extension AgentEvent {
    /// What agents hear of one engine result: `ring` for the first ring of
    /// an inbound leg (`incoming`), `answered`, and `ended` (with its
    /// cause). nil for the other phases (`outgoing`, `missed`, `line`).
    ///
    /// - Parameters:
    ///   - rules: the rule set the result came from (number plan, for E.164).
    ///   - directory: the PBX's extension directory, for internal callers' names.
    ///   - company: the caller's company when a lookup found one.
    static func from(
        _ result: EngineResult, rules: RuleSet, directory: [String: String] = [:], company: String? = nil
    ) -> AgentEvent? {
        guard let event = result.event else { return nil }
        let leg = event.leg
        let kind: Kind
        switch event.phase {
        case .incoming: kind = .ring
        case .answered: kind = .answered
        case .ended: kind = .ended
        case .outgoing, .missed, .line: return nil
        }
        let remote = Self.remote(
            of: leg, rules: rules, directory: directory, company: company, className: result.classification?.name)
        let time = event.time
        switch kind {
        case .ring:
            return .ring(
                call: leg.key.uuid, customer: leg.key.customer, extension: leg.key.extension, direction: leg.direction,
                remote: remote, ringtone: result.ringtone ?? result.classification?.ringtone,
                alertInfo: result.classification?.alertInfo, time: time)
        case .answered:
            return AgentEvent(
                kind: .answered, call: leg.key.uuid, customer: leg.key.customer, extension: leg.key.extension,
                direction: leg.direction, remote: remote, time: time)
        case .ended:
            return AgentEvent(
                kind: .ended, call: leg.key.uuid, customer: leg.key.customer, extension: leg.key.extension,
                direction: leg.direction, remote: remote, cause: leg.cause?.rawValue ?? "failed", time: time)
        }
    }

    /// The remote party in the agent's forms: the number as sent, E.164
    /// when it is a global number, the name (the PBX's, else the directory's
    /// for an internal caller), the company and the class.
    static func remote(
        of leg: CallLeg, rules: RuleSet, directory: [String: String], company: String?, className: String?
    ) -> Remote {
        let raw = leg.remoteNumber
        let isInternal = rules.isInternal(raw, context: leg.remoteContext, customer: leg.key.customer)
        let number = PhoneNumber(raw: raw, isInternal: isInternal, settings: rules.settings)
        let e164: String? = (isInternal || raw.isEmpty || PhoneNumber.isAnonymous(raw)) ? nil : number.e164
        var name = leg.remoteName.flatMap { $0.isEmpty ? nil : $0 }
        if name == nil, isInternal { name = directory[raw] }
        let display = name ?? (raw.isEmpty || PhoneNumber.isAnonymous(raw) ? "anonymous" : (e164 ?? raw))
        return Remote(
            number: raw, e164: e164, display: display, name: name, company: company.flatMap { $0.isEmpty ? nil : $0 },
            className: className)
    }
}
