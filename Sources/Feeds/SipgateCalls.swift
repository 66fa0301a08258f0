import Calls

/// What the sipgate.io adapter remembers of a call between its `newCall`
/// and its `hangup`: `answer` and `hangup` do not repeat the `userId[]` that
/// names the extension, so the leg would otherwise not be found again.
///
/// Bounded: at most `capacity` calls (the least recently seen is dropped
/// first), and a call with no push for `retention` is forgotten.
struct SipgateCalls: Sendable {
    struct Call: Sendable, Hashable {
        var `extension`: String
        var direction: Direction
        var from: String?
        var to: String?
        /// The extension's user name (the first `user[]`).
        var name: String?
        var answered: Bool
        var lastSeen: EventTime
    }

    var capacity: Int
    var retention: Duration
    private(set) var calls: [String: Call] = [:]

    init(capacity: Int, retention: Duration) {
        self.capacity = max(1, capacity)
        self.retention = retention
    }

    var count: Int { calls.count }

    /// The call, unless it has expired by `now`.
    func recall(_ callId: String, now: EventTime) -> Call? {
        guard let c = calls[callId], now - c.lastSeen < retention else { return nil }
        return c
    }

    mutating func remember(_ callId: String, _ call: Call, now: EventTime) {
        if calls[callId] == nil && calls.count >= capacity {
            calls = calls.filter { now - $0.value.lastSeen < retention }
            if calls.count >= capacity, let oldest = calls.min(by: { $0.value.lastSeen < $1.value.lastSeen }) {
                calls[oldest.key] = nil
            }
        }
        calls[callId] = call
    }

    mutating func forget(_ callId: String) { calls[callId] = nil }
}
