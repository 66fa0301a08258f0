import Calls
import Metrics

/// `callhook_calls_reconciled_total{source,reason}` (legs callhook ended as
/// `lost`, by why) and `callhook_calls_late_hangups_total{source}` (real
/// hang-ups that came after and were swallowed).
struct ReconcileMetrics {
    let source: String
    private var reconciled: [ReconcileReason: Counter] = [:]
    private let late: Counter

    init(source: String) {
        self.source = source
        late = Counter(label: "callhook_calls_late_hangups_total", dimensions: [("source", source)])
    }

    mutating func reconciled(_ reason: ReconcileReason) {
        if reconciled[reason] == nil {
            reconciled[reason] = Counter(
                label: "callhook_calls_reconciled_total", dimensions: [("source", source), ("reason", reason.rawValue)])
        }
        reconciled[reason]?.increment()
    }

    func lateHangup() { late.increment() }
}
