import Calls

/// What one phase of one call led to.
public struct EngineResult: Sendable {
    public var event: CallPhaseEvent
    public var classification: Classification
    /// Names of the rules that matched, in order.
    public var matchedRules: [String]
    /// The ringtone for agents: the last matching rule's, else the class's.
    public var ringtone: String
    public var requests: [RenderedRequest]
}

/// The pure engine: call tracker → classify → match rules → render requests.
///
/// No I/O and no clock: times come in with the events (`now` is the
/// rendering time the caller supplies), and delivery ids come from an
/// injected generator, so a replay gives the same output every time.
public struct CallEngine: Sendable {
    public private(set) var rules: RuleSet
    public var tracker: CallTracker
    private let makeDeliveryID: @Sendable () -> String

    public init(rules: RuleSet, tracker: CallTracker = CallTracker(), makeDeliveryID: @escaping @Sendable () -> String) {
        self.rules = rules
        self.tracker = tracker
        self.makeDeliveryID = makeDeliveryID
    }

    /// Swaps in a new rule set; calls in progress keep their state.
    public mutating func replaceRules(_ rules: RuleSet) { self.rules = rules }

    /// Feeds one raw call event; returns one result per phase it fired.
    public mutating func process(_ event: CallEvent, arrival: EventTime, now: EventTime) -> [EngineResult] {
        tracker.ingest(event, arrival: arrival).map { evaluate($0, now: now) }
    }

    /// Classifies, matches and renders for one phase event.
    public func evaluate(_ event: CallPhaseEvent, now: EventTime) -> EngineResult {
        let classification = rules.classify(event)
        var base = Self.variables(for: event, classification: classification, settings: rules.settings)
        base["now"] = now.rfc3339()
        var matched: [String] = []
        var requests: [RenderedRequest] = []
        var ringtone = classification.ringtone
        for index in rules.rulesByPhase[event.phase] ?? [] {
            let rule = rules.rules[index]
            guard rule.when.holds(event, className: classification.name) else { continue }
            matched.append(rule.name)
            if let r = rule.ringtone { ringtone = r }
            var vars = base
            vars["rule"] = rule.name
            vars["ringtone"] = ringtone
            for hook in rule.webhooks {
                guard let target = rules.targets[hook.target] else { continue }
                let id = makeDeliveryID()
                vars["delivery"] = ["id": id] as [String: Any]
                requests.append(render(hook, target: target, rule: rule, event: event, deliveryID: id, variables: vars))
            }
            if rule.stop { break }
        }
        return EngineResult(
            event: event, classification: classification, matchedRules: matched, ringtone: ringtone, requests: requests)
    }

    func render(
        _ hook: Webhook, target: Target, rule: Rule, event: CallPhaseEvent, deliveryID: String, variables: Variables
    ) -> RenderedRequest {
        var url = target.url.render(variables)
        if let path = hook.path {
            let p = path.render(variables)
            if url.hasSuffix("/") && p.hasPrefix("/") { url.removeLast() }
            url += p
        }
        if !hook.query.isEmpty {
            let q = hook.query.map { "\(Escaping.url.escape($0.0))=\($0.1.render(variables))" }.joined(separator: "&")
            url += (url.contains("?") ? "&" : "?") + q
        }
        var headers: [(name: String, value: String)] = []
        func setHeader(_ name: String, _ value: String) {
            headers.removeAll { $0.name.lowercased() == name.lowercased() }
            headers.append((name, value))
        }
        var body: [UInt8]?
        switch hook.body {
        case .none: break
        case .json(let j):
            setHeader("Content-Type", "application/json")
            body = Array(j.render(variables).serialized().utf8)
        case .form(let fields):
            setHeader("Content-Type", "application/x-www-form-urlencoded")
            body = Array(fields.map { "\(Escaping.form.escape($0.0))=\($0.1.render(variables))" }.joined(separator: "&").utf8)
        case .text(let t, let contentType):
            setHeader("Content-Type", contentType)
            body = Array(t.render(variables).utf8)
        }
        for (name, t) in target.headers { setHeader(name, t.render(variables)) }
        for (name, t) in hook.headers { setHeader(name, t.render(variables)) }
        return RenderedRequest(
            deliveryID: deliveryID, rule: rule.name, target: target.name, phase: event.phase, callID: event.leg.key.uuid,
            leg: event.leg.key, method: hook.method ?? target.method, url: url, headers: headers, body: body,
            eventTime: event.time)
    }
}
