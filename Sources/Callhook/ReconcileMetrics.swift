import Calls
import Metrics

/// `callhook_calls_reconciled_total{source,reason}` (legs callhook ended as
/// `lost`, by why) and `callhook_calls_late_hangups_total{source}` (real
/// hang-ups that came after and were swallowed). With several NFON
/// accounts the source is the leg's account (`nfon:K1234`).
struct ReconcileMetrics {
    private var reconciled: [String: Counter] = [:]
    private var late: [String: Counter] = [:]

    init() {}

    mutating func reconciled(_ reason: ReconcileReason, source: String) {
        let key = source + "\n" + reason.rawValue
        if reconciled[key] == nil {
            reconciled[key] = Counter(
                label: "callhook_calls_reconciled_total", dimensions: [("source", source), ("reason", reason.rawValue)])
        }
        reconciled[key]?.increment()
    }

    mutating func lateHangup(source: String) {
        if late[source] == nil {
            late[source] = Counter(label: "callhook_calls_late_hangups_total", dimensions: [("source", source)])
        }
        late[source]?.increment()
    }
}
