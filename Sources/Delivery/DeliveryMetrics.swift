import Metrics

/// The delivery metrics of runtime.md, through swift-metrics. Handles are
/// made once per label set and reused (making one takes the factory's lock).
/// Kept in the dispatcher loop's state.
struct DeliveryMetrics {
    /// A target and an outcome or result: no string is built per delivery.
    private struct Key: Hashable {
        let target: String
        let value: String
    }
    private var deliveries: [Key: Counter] = [:]
    private var attempts: [Key: Counter] = [:]
    private var durations: [String: Metrics.Timer] = [:]
    private let eventToDelivery = Metrics.Timer(label: "callhook_event_to_delivery_seconds")
    private let pendingDepth = Gauge(label: "callhook_queue_depth", dimensions: [("status", "pending")])
    private let deadDepth = Gauge(label: "callhook_queue_depth", dimensions: [("status", "dead")])
    private let orphanedDepth = Gauge(label: "callhook_queue_depth", dimensions: [("status", "orphaned")])

    /// `outcome`: delivered, dead.
    mutating func delivery(target: String, outcome: DeliveryStatus) {
        let key = Key(target: target, value: outcome.rawValue)
        if deliveries[key] == nil {
            deliveries[key] = Counter(
                label: "callhook_deliveries_total", dimensions: [("target", target), ("outcome", outcome.rawValue)])
        }
        deliveries[key]?.increment()
    }

    /// `result`: success, retry, fail.
    mutating func attempt(target: String, result: String, seconds: Double) {
        let key = Key(target: target, value: result)
        if attempts[key] == nil {
            attempts[key] = Counter(
                label: "callhook_delivery_attempts_total", dimensions: [("target", target), ("result", result)])
        }
        attempts[key]?.increment()
        if durations[target] == nil {
            durations[target] = Metrics.Timer(label: "callhook_delivery_duration_seconds", dimensions: [("target", target)])
        }
        durations[target]?.recordNanoseconds(Int64(seconds * 1e9))
    }

    func eventToDelivery(nanoseconds: Int64) { eventToDelivery.recordNanoseconds(max(0, nanoseconds)) }

    func depth(pending: Int, dead: Int) {
        pendingDepth.record(pending)
        deadDepth.record(dead)
    }

    /// Pending deliveries whose target the rules do not define.
    func orphaned(_ n: Int) { orphanedDepth.record(n) }
}
