extension AgentHub {
    /// Yields one frame to one agent; a full buffer disconnects it
    /// (`overflow`), a terminated stream removes it (`client`).
    static func send(_ frame: String, to sid: UInt64, in s: inout State, after: inout Aftermath) {
        guard let sub = s.subscribers[sid] else { return }
        switch sub.continuation.yield(frame) {
        case .enqueued:
            break
        case .dropped:
            if let gone = drop(sid, reason: .overflow, in: &s, after: &after) { after.finish.append(gone.continuation) }
        case .terminated:
            _ = drop(sid, reason: .client, in: &s, after: &after)
        @unknown default:
            break
        }
    }

    /// Forgets an agent and counts why; nil when it was already gone, so a
    /// disconnect is counted once whoever notices it first.
    static func drop(_ sid: UInt64, reason: DisconnectReason, in s: inout State, after: inout Aftermath) -> Subscriber? {
        guard let sub = s.subscribers.removeValue(forKey: sid) else { return nil }
        for ext in sub.scope.extensions {
            let key = IndexKey(customer: sub.scope.customer, extension: ext)
            s.index[key]?.remove(sid)
            if s.index[key]?.isEmpty == true { s.index[key] = nil }
        }
        s.disconnects[reason, default: 0] += 1
        after.connected = s.subscribers.count
        after.disconnected[reason, default: 0] += 1
        return sub
    }

    /// Records a ringing leg. When the table is full, expired legs go first,
    /// then the oldest. Returns how many legs were evicted while not expired.
    static func remember(_ leg: LegKey, _ ringing: RingingLeg, in s: inout State, now: Int64, capacity: Int) -> Int {
        var evicted = 0
        if s.ringing[leg] == nil, s.ringing.count >= capacity {
            pruneExpired(in: &s, now: now)
            while s.ringing.count >= capacity, let oldest = s.ringing.min(by: { $0.value.id < $1.value.id }) {
                s.ringing[oldest.key] = nil
                evicted += 1
            }
        }
        s.ringing[leg] = ringing
        return evicted
    }

    static func pruneExpired(in s: inout State, now: Int64) {
        s.ringing = s.ringing.filter { $0.value.expires > now }
    }
}
