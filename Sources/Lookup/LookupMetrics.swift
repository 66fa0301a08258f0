import Metrics

/// `callhook_lookup_total{result}` and `callhook_lookup_duration_seconds`.
/// Handles are made once (making one takes the factory's lock).
struct LookupMetrics: Sendable {
    /// The `result` label, one per lookup a caller made.
    enum Result: String, Sendable, CaseIterable {
        /// Answered without a request of its own: from the cache, or by a
        /// request another caller had already started (coalesced).
        case hit
        /// Its own request found the number.
        case miss
        /// Its own request got an empty array.
        case notFound = "not_found"
        /// 404, another status, a transport error or an unreadable answer.
        case error
        /// No answer within `timeout`.
        case timeout
    }

    private let counters: [Result: Counter]
    private let duration: Metrics.Timer

    init(factory: any MetricsFactory) {
        var counters: [Result: Counter] = [:]
        for r in Result.allCases {
            counters[r] = Counter(label: "callhook_lookup_total", dimensions: [("result", r.rawValue)], factory: factory)
        }
        self.counters = counters
        duration = Metrics.Timer(label: "callhook_lookup_duration_seconds", factory: factory)
    }

    func count(_ r: Result) { counters[r]?.increment() }

    /// The duration of one HTTP request to the service, from sending to its
    /// answer or error — also when it outlived `timeout`.
    func requestDuration(nanoseconds: Int64) { duration.recordNanoseconds(max(0, nanoseconds)) }
}
