import Calls

/// Everything conditions look at for one phase event, computed at most once:
/// the parties' number forms, the class, the local time, the variables.
final class EvaluationContext {
    /// The rule set, shared with the engine. Read as `box.set.…`: a stored
    /// `let` of a class is read in place, where a computed `rules` was
    /// copied whole (every table retained) on the hot path.
    let box: RuleSetBox
    var rules: RuleSet { box.set }
    let phase: Phase
    let leg: CallLeg?
    let lineChange: LineChange?
    let time: EventTime
    var className: String?
    /// The PBX's directory of the leg's customer: number → name.
    let directory: [String: String]
    /// What the caller lookup found for the remote party, if anything.
    let remoteLookup: PartyLookup?
    /// What `call.vars.NAME` renders as for this event (split out again
    /// into `LateBoundText` by the renderer).
    lazy var slots = CallVarSlots()

    convenience init(
        rules: RuleSet, phase: Phase, leg: CallLeg?, lineChange: LineChange?, time: EventTime,
        directory: [String: String], remoteLookup: PartyLookup? = nil
    ) {
        self.init(
            box: RuleSetBox(rules), phase: phase, leg: leg, lineChange: lineChange, time: time, directory: directory,
            remoteLookup: remoteLookup)
    }

    init(
        box: RuleSetBox, phase: Phase, leg: CallLeg?, lineChange: LineChange?, time: EventTime,
        directory: [String: String], remoteLookup: PartyLookup? = nil, partiesGeneration: UInt64 = 0
    ) {
        self.remoteLookup = remoteLookup
        self.box = box
        self.phase = phase
        self.leg = leg
        self.lineChange = lineChange
        self.time = time
        self.directory = directory
        kept = leg.flatMap { Self.parties(of: $0, generation: partiesGeneration) }
    }

    /// A number's name in the directory (a stored table, not a closure: a
    /// closure capturing it was one more allocation per phase).
    func directoryName(_ number: String) -> String? { directory.isEmpty ? nil : directory[number] }

    var customer: String { leg?.key.customer ?? lineChange?.customer ?? "" }
    var extensionNumber: String { leg?.key.extension ?? lineChange?.extension ?? "" }

    /// The leg's kept parties, when they are of the engine's generation of
    /// rule set and directories (`partiesGeneration`; 0: none).
    private let kept: LegParties?

    /// The parties come from the leg's kept `LegParties` (tests).
    var usesKeptParties: Bool { kept != nil }

    lazy var caller: PhoneNumber? = leg.map { l in kept?.caller ?? party(l.caller, context: l.callerContext) }
    lazy var callee: PhoneNumber? = leg.map { l in kept?.callee ?? party(l.callee, context: l.calleeContext) }

    private static func parties(of leg: CallLeg, generation: UInt64) -> LegParties? {
        guard generation != 0, let p = leg.annotation as? LegParties, p.generation == generation else { return nil }
        return p
    }

    private func party(_ number: String, context: String?) -> PhoneNumber {
        LegParties.party(number, context: context, customer: customer, box: box, listed: { directoryName($0) != nil })
    }
    var remote: PhoneNumber? { leg?.direction == .outbound ? callee : caller }
    var local: PhoneNumber? { leg?.direction == .outbound ? caller : callee }

    /// Which party a condition looks at.
    enum Side {
        case caller, callee, remote
    }

    /// Calls `body` with one party, read in place from the parties kept
    /// with the leg: a condition on a party, evaluated for every candidate
    /// rule and class, copied the number (its four strings) each time
    /// through `caller`, `callee` or `remote`. False when there is no leg.
    func withParty(_ side: Side, _ body: (PhoneNumber) -> Bool) -> Bool {
        let outbound = leg?.direction == .outbound
        if let p = kept {
            switch side {
            case .caller: return body(p.caller)
            case .callee: return body(p.callee)
            case .remote: return body(outbound ? p.callee : p.caller)
            }
        }
        let number: PhoneNumber?
        switch side {
        case .caller: number = caller
        case .callee: number = callee
        case .remote: number = outbound ? callee : caller
        }
        guard let number else { return false }
        return body(number)
    }

    /// The remote party's number as an integer (the rule index's key).
    var remoteKey: UInt64? {
        if let p = kept { return leg?.direction == .outbound ? p.callee.key : p.caller.key }
        return remote?.key
    }

    /// Local time in the rule set's time zone, as shifted epoch seconds.
    lazy var localSeconds: Int64 = time.epochSeconds + Int64(box.set.settings.utcOffset(at: time))

    func inSchedule(_ name: String) -> Bool {
        box.set.schedules[name]?.contains(localSeconds: localSeconds) ?? false
    }

    var classification: Classification?
    private var renderedNow: (EventTime, String)?

    /// `now` as RFC 3339, formatted once per event.
    func renderTime(_ now: EventTime) -> String {
        if let r = renderedNow, r.0 == now { return r.1 }
        let text = now.rfc3339()
        renderedNow = (now, text)
        return text
    }
    /// The template variables, resolved on demand.
    var variables: Variables { Variables(source: self) }
    /// The full tree, built at most once (Mustache sections need it).
    private lazy var fullTree: [String: Any] = CallEngine.variables(for: self).root

    lazy var callerVariables: PartyVariables? = caller.map { n in
        PartyVariables(n, name: leg?.callerName ?? (n.isInternal ? directoryName(n.raw) : nil), lookup: lookup(outbound: false))
    }
    lazy var calleeVariables: PartyVariables? = callee.map { n in
        PartyVariables(n, name: leg?.calleeName ?? (n.isInternal ? directoryName(n.raw) : nil), lookup: lookup(outbound: true))
    }

    /// The lookup result when the caller (`outbound` false) or the callee is the remote party.
    func lookup(outbound: Bool) -> PartyLookup? {
        (leg?.direction == .outbound) == outbound ? remoteLookup : nil
    }
}

extension EvaluationContext: VariableSource {
    func tree() -> [String: Any] { fullTree }

    /// The same values as `tree()`, without building it (kept in step by a test).
    func value(at path: [String]) -> Any? {
        guard let head = path.first else { return nil }
        if path.count == 1 {
            switch head {
            case "event": return phase.rawValue
            case "customer": return customer
            case "class": return classification?.name ?? ""
            case "ringtone": return classification?.ringtone ?? box.set.settings.ringtone
            case "alert_info": return classification?.alertInfo ?? ""
            default: return walk(path)
            }
        }
        if path.count == 3 && head == "call" && path[1] == "vars" {
            // A name no webhook captures never has a value.
            return leg != nil && box.set.captureNames.contains(path[2]) ? slots.placeholder(path[2]) : nil
        }
        guard path.count == 2 else { return walk(path) }
        let field = path[1]
        switch head {
        case "call":
            guard let leg else { return nil }
            switch field {
            case "id": return leg.key.uuid
            case "direction": return leg.direction.rawValue
            case "started": return leg.started.rfc3339()
            case "answered_at": return leg.answeredAt?.rfc3339() ?? ""
            case "ended_at": return leg.endedAt?.rfc3339() ?? ""
            case "answered": return leg.answered
            case "duration": return Int(leg.talkDuration.wholeSeconds)
            case "ring_duration": return Int(leg.ringDuration.wholeSeconds)
            case "cause": return leg.cause?.rawValue ?? ""
            case "error": return leg.error ?? ""
            case "partial": return leg.partial
            case "reconciled": return leg.reconciled
            default: return walk(path)
            }
        case "caller", "callee", "remote", "local":
            let outbound = leg?.direction == .outbound
            let isCaller = head == "caller" || (head == "remote" && !outbound) || (head == "local" && outbound)
            // A field of the number alone is read from the kept parties,
            // without the party's names and lookup (`PartyVariables`).
            if let kept, let value = PartyVariables.numberField(isCaller ? kept.caller : kept.callee, field) {
                return value
            }
            return party(isCaller ? callerVariables : calleeVariables, path)
        case "extension":
            switch field {
            case "number": return extensionNumber
            case "name":
                let local = leg?.direction == .outbound ? callerVariables : calleeVariables
                return directoryName(extensionNumber) ?? local?.name ?? ""
            default: return nil
            }
        default: return walk(path)
        }
    }

    private func party(_ p: PartyVariables?, _ path: [String]) -> Any? {
        guard let p else { return nil }
        switch p.lookup(path[1]) {
        case .value(let v): return v
        case .elsewhere: return walk(path)
        }
    }

    private func walk(_ path: [String]) -> Any? {
        var current: Any = fullTree
        for part in path {
            guard let dict = current as? [String: Any], let next = dict[part] else { return nil }
            current = next
        }
        return current
    }
}

/// One party's template fields, computed once per event.
struct PartyVariables {
    let number: PhoneNumber
    let name: String?

    init(_ n: PhoneNumber, name: String?, lookup: PartyLookup? = nil) {
        number = n
        // The looked-up name first, then the PBX's or the directory's.
        self.name = (lookup?.name).flatMap { $0.isEmpty ? nil : $0 } ?? name.flatMap { $0.isEmpty ? nil : $0 }
    }

    enum Lookup {
        /// The field's value (nil: the party has no such value, e.g. no name).
        case value(Any?)
        /// Not a field kept here (`custom`): look in the full tree.
        case elsewhere
    }

    func lookup(_ field: String) -> Lookup {
        if let value = Self.numberField(number, field) { return .value(value) }
        switch field {
        case "display": return .value(name ?? (number.raw.isEmpty ? "anonymous" : number.e164))
        case "name": return .value(name)
        default: return .elsewhere
        }
    }

    /// A field that comes from the number alone; nil for any other field.
    static func numberField(_ number: PhoneNumber, _ field: String) -> Any? {
        switch field {
        case "raw": number.raw
        case "e164": number.e164
        case "digits": number.digits
        case "national": number.national
        case "internal": number.isInternal
        default: nil
        }
    }
}
