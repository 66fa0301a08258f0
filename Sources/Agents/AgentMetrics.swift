import Metrics

/// The hub's swift-metrics handles: `callhook_agents_connected`,
/// `callhook_agent_events_total{event}`, `callhook_agent_disconnects_total{reason}`.
/// Created once, so the hot path only increments.
struct AgentMetrics: Sendable {
    private let connectedGauge = Gauge(label: "callhook_agents_connected")
    private let events: [AgentEvent.Kind: Counter]
    private let disconnects: [AgentHub.DisconnectReason: Counter]

    init() {
        var events: [AgentEvent.Kind: Counter] = [:]
        for kind in AgentEvent.Kind.allCases {
            events[kind] = Counter(label: "callhook_agent_events_total", dimensions: [("event", kind.rawValue)])
        }
        var disconnects: [AgentHub.DisconnectReason: Counter] = [:]
        for reason in AgentHub.DisconnectReason.allCases {
            disconnects[reason] = Counter(label: "callhook_agent_disconnects_total", dimensions: [("reason", reason.rawValue)])
        }
        self.events = events
        self.disconnects = disconnects
    }

    func event(_ kind: AgentEvent.Kind) { events[kind]?.increment() }
    func disconnected(_ reason: AgentHub.DisconnectReason, count: Int) { disconnects[reason]?.increment(by: count) }
    func connected(_ count: Int) { connectedGauge.record(count) }
}
