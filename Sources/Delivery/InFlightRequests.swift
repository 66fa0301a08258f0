import Curl

/// Handles of the requests on their way, to cancel them at the end of the
/// shutdown grace period. A completion can run before `started` (an
/// immediate failure); `finishedEarly` keeps such handles out.
struct InFlightRequests {
    private var handles: [Int64: DeliverySender.Cancel] = [:]
    private var finishedEarly: Set<Int64> = []
    private var closed = false

    /// Returns false after `takeAll`: a request that started after the
    /// others were cancelled (its `call.vars` read was under way) is
    /// cancelled by the caller at once.
    mutating func started(_ key: Int64, _ handle: @escaping DeliverySender.Cancel) -> Bool {
        if finishedEarly.remove(key) != nil { return true }
        guard !closed else { return false }
        handles[key] = handle
        return true
    }

    mutating func finished(_ key: Int64) {
        if handles.removeValue(forKey: key) == nil { finishedEarly.insert(key) }
    }

    /// Takes every handle (to cancel them).
    mutating func takeAll() -> [DeliverySender.Cancel] {
        closed = true
        defer { handles.removeAll() }
        return Array(handles.values)
    }
}
