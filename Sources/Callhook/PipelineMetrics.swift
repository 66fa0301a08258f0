import Metrics

/// The event, rule and source metrics of runtime.md, through swift-metrics.
/// Handles are made once per label set; kept in the pipeline actor.
struct PipelineMetrics {
    /// nil: the sources count themselves (`SourceMetrics`, one per account).
    let source: String?
    private var events: [String: Counter] = [:]
    private var matches: [String: Counter] = [:]
    private var errors: [String: Counter] = [:]
    private let connected: Gauge?
    private let reconnects: Counter?

    init(source: String?) {
        self.source = source
        connected = source.map { Gauge(label: "callhook_source_connected", dimensions: [("source", $0)]) }
        reconnects = source.map { Counter(label: "callhook_source_reconnects_total", dimensions: [("source", $0)]) }
        connected?.record(0)
    }

    mutating func event(phase: String) {
        if events[phase] == nil { events[phase] = Counter(label: "callhook_events_total", dimensions: [("phase", phase)]) }
        events[phase]?.increment()
    }

    mutating func match(rule: String) {
        if matches[rule] == nil {
            matches[rule] = Counter(label: "callhook_rule_matches_total", dimensions: [("rule", rule)])
        }
        matches[rule]?.increment()
    }

    mutating func error(kind: String) {
        guard let source else { return }
        if errors[kind] == nil {
            errors[kind] = Counter(
                label: "callhook_source_errors_total", dimensions: [("source", source), ("kind", kind)])
        }
        errors[kind]?.increment()
    }

    /// `up`: the calls stream connected; `false` comes before each reconnect
    /// (after a drop or a failed attempt) and counts one.
    func connection(up: Bool) {
        connected?.record(up ? 1 : 0)
        if !up { reconnects?.increment() }
    }
}
