import Calls

/// What one phase of one call (or one line-state change) led to.
public struct EngineResult: Sendable {
    public var phase: Phase
    /// The call phase; nil for `line` events.
    public var event: CallPhaseEvent?
    public var lineChange: LineChange?
    public var classification: Classification?
    /// Names of the rules that matched, in order.
    public var matchedRules: [String]
    /// The ringtone for agents: the last matching rule's, else the class's.
    public var ringtone: String?
    public var requests: [RenderedRequest]
}

/// The pure engine: call tracker → classify → match rules → render requests.
///
/// No I/O and no clock: times come in with the events (`now` is the
/// rendering time the caller supplies), and delivery ids come from an
/// injected function of each request's `RequestIdentity`, so a replay gives
/// the same output every time.
public struct CallEngine: Sendable {
    public private(set) var rules: RuleSet
    /// The same set, shared with each phase's evaluation context.
    private var box: RuleSetBox
    public var tracker: CallTracker
    public var lines = LineTracker()
    /// The PBX's extension directories, by customer (K-account): number →
    /// name. See `directory(for:)`.
    public var directories: [String: [String: String]] = [:] {
        didSet { if directories != oldValue { partiesGeneration = LegParties.nextGeneration() } }
    }
    /// Stamps the parties kept with each leg (`LegParties`): a new one with
    /// each rule set and each change of the directories.
    private(set) var partiesGeneration = LegParties.nextGeneration()
    /// Caller lookup results by call id, for the call's remote party.
    public var lookups: [String: PartyLookup] = [:]
    /// Calls whose lookup is done (found or not): never looked up again.
    public internal(set) var lookedUp: Set<String> = []
    private let makeDeliveryID: @Sendable (RequestIdentity) -> String

    /// Delivery ids from a generator that ignores what the request is.
    public init(rules: RuleSet, tracker: CallTracker = CallTracker(), makeDeliveryID: @escaping @Sendable () -> String) {
        self.rules = rules
        self.box = RuleSetBox(rules)
        self.tracker = tracker
        self.makeDeliveryID = { _ in makeDeliveryID() }
    }

    /// Delivery ids derived from each request's identity.
    public init(rules: RuleSet, tracker: CallTracker = CallTracker(), deliveryID: @escaping @Sendable (RequestIdentity) -> String)
    {
        self.rules = rules
        self.box = RuleSetBox(rules)
        self.tracker = tracker
        self.makeDeliveryID = deliveryID
    }

    /// Swaps in a new rule set; calls in progress keep their state.
    public mutating func replaceRules(_ rules: RuleSet) {
        self.rules = rules
        box = RuleSetBox(rules)
        partiesGeneration = LegParties.nextGeneration()
    }

    /// Feeds one raw call event; returns one result per phase it fired.
    public mutating func process(_ event: CallEvent, arrival: EventTime, now: EventTime) -> [EngineResult] {
        let (box, generation, directories) = (self.box, partiesGeneration, self.directories)
        let phases = tracker.ingest(event, arrival: arrival, generation: generation) { leg in
            LegParties(
                leg, box: box, directory: Self.directory(for: leg.key.customer, in: directories), generation: generation)
        }
        return phases.map { evaluate($0, now: now) }
    }

    /// Feeds one line-state event; a change fires the `line` phase.
    public mutating func process(line event: LineStateEvent, snapshot: Bool, arrival: EventTime, now: EventTime) -> EngineResult?
    {
        guard let change = lines.ingest(event, snapshot: snapshot, arrival: arrival) else { return nil }
        return evaluate(change, now: now)
    }

    /// Classifies, matches and renders for one call phase.
    public func evaluate(_ event: CallPhaseEvent, now: EventTime) -> EngineResult {
        let directory = self.directory(for: event.leg.key.customer)
        let c = EvaluationContext(
            box: box, phase: event.phase, leg: event.leg, lineChange: nil, time: event.time,
            directory: directory,
            remoteLookup: lookups.isEmpty ? nil : lookups[event.leg.key.uuid], partiesGeneration: partiesGeneration)
        let classification = rules.classify(c, checks: box.classChecks)
        c.className = classification.name
        c.classification = classification
        return run(c, now: now, event: event, classification: classification)
    }

    /// Matches and renders for one line-state change.
    public func evaluate(_ change: LineChange, now: EventTime) -> EngineResult {
        let directory = self.directory(for: change.customer)
        let c = EvaluationContext(
            box: box, phase: .line, leg: nil, lineChange: change, time: change.time,
            directory: directory)
        return run(c, now: now, lineChange: change)
    }

    /// Matches and renders; the result is built once, with the phase event
    /// (or line change) and classification it is for.
    private func run(
        _ c: EvaluationContext, now: EventTime, event: CallPhaseEvent? = nil, lineChange: LineChange? = nil,
        classification: Classification? = nil
    ) -> EngineResult {
        var matched: [String] = []
        var requests: [RenderedRequest] = []
        var ringtone: String?
        let candidates =
            rules.indexByPhase[c.phase]?.candidates(extension: c.extensionNumber, remoteKey: c.remoteKey) ?? []
        // Rules are read in place through a pointer, never copied whole.
        rules.rules.withUnsafeBufferPointer { all in
            guard let first = all.baseAddress else { return }
            let checks = box.ruleChecks
            for index in candidates where checks[index].holds(c) {
                guard apply(first + index, c, now: now, matched: &matched, requests: &requests, ringtone: &ringtone) else {
                    break
                }
            }
        }
        return EngineResult(
            phase: c.phase, event: event, lineChange: lineChange, classification: classification, matchedRules: matched,
            ringtone: ringtone ?? classification?.ringtone, requests: requests)
    }

    /// The identity of one action's request for this phase. A `line` event
    /// has no call: the change's time stands in for it.
    private func identity(_ c: EvaluationContext, rule: String, action: String) -> RequestIdentity {
        RequestIdentity(
            customer: c.customer, callUUID: c.leg?.key.uuid ?? "line@\(c.time.nanoseconds)",
            extensionNumber: c.extensionNumber, phase: c.phase.rawValue, rule: rule, action: action)
    }

    /// One matching rule: renders its requests; false when it stops the
    /// evaluation.
    private func apply(
        _ rule: UnsafePointer<Rule>, _ c: EvaluationContext, now: EventTime, matched: inout [String],
        requests: inout [RenderedRequest],
        ringtone: inout String?
    ) -> Bool {
        matched.append(rule.pointee.name)
        if let r = rule.pointee.ringtone { ringtone = r }
        if !rule.pointee.webhooks.isEmpty || !rule.pointee.workflows.isEmpty {
            var vars = c.variables
            vars.request = RequestValues(rule: rule.pointee.name, now: c.renderTime(now), ringtone: ringtone)
            for (n, hook) in rule.pointee.webhooks.enumerated() {
                guard let target = rules.targets[hook.target] else { continue }
                let id = makeDeliveryID(identity(c, rule: rule.pointee.name, action: "webhook:\(n)"))
                vars.request?.deliveryID = id
                requests.append(render(hook, target: target, rule: rule.pointee, context: c, deliveryID: id, variables: vars))
            }
            for (n, flow) in rule.pointee.workflows.enumerated() {
                guard let target = rules.targets[flow.target] else { continue }
                let id = makeDeliveryID(identity(c, rule: rule.pointee.name, action: "workflow:\(n)"))
                vars.request?.deliveryID = id
                requests.append(render(flow, target: target, rule: rule.pointee, context: c, deliveryID: id, variables: vars))
            }
        }
        return !rule.pointee.stop
    }
}
