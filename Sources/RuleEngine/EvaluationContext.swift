import Calls

/// Everything conditions look at for one phase event, computed at most once:
/// the parties' number forms, the class, the local time, the variables.
final class EvaluationContext {
    let rules: RuleSet
    let phase: Phase
    let leg: CallLeg?
    let lineChange: LineChange?
    let time: EventTime
    var className: String?
    let directoryName: (String) -> String?

    init(
        rules: RuleSet, phase: Phase, leg: CallLeg?, lineChange: LineChange?, time: EventTime,
        directoryName: @escaping (String) -> String?
    ) {
        self.rules = rules
        self.phase = phase
        self.leg = leg
        self.lineChange = lineChange
        self.time = time
        self.directoryName = directoryName
    }

    var customer: String { leg?.key.customer ?? lineChange?.customer ?? "" }
    var extensionNumber: String { leg?.key.extension ?? lineChange?.extension ?? "" }

    lazy var caller: PhoneNumber? = leg.map { party($0.caller, context: $0.callerContext) }
    lazy var callee: PhoneNumber? = leg.map { party($0.callee, context: $0.calleeContext) }

    private func party(_ number: String, context: String?) -> PhoneNumber {
        let isExtension = rules.isInternal(number, context: context, customer: customer) || directoryName(number) != nil
        return PhoneNumber(raw: number, isInternal: isExtension, settings: rules.settings)
    }
    var remote: PhoneNumber? { leg?.direction == .outbound ? callee : caller }
    var local: PhoneNumber? { leg?.direction == .outbound ? caller : callee }

    /// Local time in the rule set's time zone, as shifted epoch seconds.
    lazy var localSeconds: Int64 = time.epochSeconds + Int64(rules.settings.utcOffset(at: time))

    func inSchedule(_ name: String) -> Bool {
        rules.schedules[name]?.contains(localSeconds: localSeconds) ?? false
    }

    /// The template variables; built only when a `match` or a request needs them.
    var classification: Classification?
    lazy var variables: Variables = CallEngine.variables(for: self)
}
