extension CallTracker {
    /// Ends every open leg of the snapshot's account whose extension is
    /// idle in it (runtime.md, "No call is left open"): `ended` with cause
    /// `lost` at the time the extension went idle, never `missed`. Legs of
    /// extensions still ringing or in use, of extensions the snapshot does
    /// not list, and legs with an event that arrived after the snapshot was
    /// requested stay open.
    public mutating func reconcile(_ snapshot: LineSnapshot) -> [CallPhaseEvent] {
        let idle = snapshot.idleSince
        guard !idle.isEmpty else { return [] }
        var out: [CallPhaseEvent] = []
        for i in legs.indices {
            let leg = legs.values[i]
            guard leg.lastArrival <= snapshot.requested,
                let since = idle[LineSnapshot.IdleKey(customer: leg.key.customer, extension: leg.key.extension)]
            else { continue }
            out.append(Self.end(&legs.values[i], at: since, reason: .snapshot))
        }
        retireEnded(out)
        return Self.ordered(out)
    }

    /// Ends every open leg with no event for `maxRing` (never answered) or
    /// `maxTalk` (answered) before `now`, on the arrival clock. The end time
    /// is the leg's last event plus that bound, so it does not depend on
    /// how often this runs.
    public mutating func endSilentLegs(now: EventTime) -> [CallPhaseEvent] {
        var out: [CallPhaseEvent] = []
        let ring = maxRing
        let talk = maxTalk
        for i in legs.indices {
            let leg = legs.values[i]
            let bound = leg.answered ? talk : ring
            guard now - leg.lastArrival >= bound else { continue }
            out.append(Self.end(&legs.values[i], at: leg.lastSeen + bound, reason: leg.answered ? .maxTalk : .maxRing))
        }
        retireEnded(out)
        return Self.ordered(out)
    }

    /// Drops ended legs whose last event arrived `endedRetention` before
    /// `now`; the keys of reconciled ones are kept as tombstones for
    /// `reconciledRetention` (at most `maxTombstones`). Returns how many
    /// legs were dropped.
    @discardableResult
    public mutating func expire(now: EventTime) -> Int {
        let retention = endedRetention
        // Collected first and removed one by one: a sweep that drops nothing
        // (the usual case) allocates nothing.
        var gone: [CallLeg.Key] = []
        for (key, leg) in ended where now - leg.lastArrival >= retention { gone.append(key) }
        for key in gone {
            guard let leg = ended.removeValue(forKey: key) else { continue }
            if leg.reconciled { tombstones[key] = leg.lastArrival }
        }
        let dropped = gone.count
        let keep = reconciledRetention
        if tombstones.values.contains(where: { now - $0 >= keep }) { tombstones = tombstones.filter { now - $0.value < keep } }
        if tombstones.count > maxTombstones {
            let oldest = tombstones.sorted { $0.value < $1.value }.prefix(tombstones.count - maxTombstones)
            for (key, _) in oldest { tombstones[key] = nil }
        }
        return dropped
    }

    /// Moves the legs just ended from `legs` to `ended`.
    private mutating func retireEnded(_ events: [CallPhaseEvent]) {
        for e in events {
            guard let slot = legs.index(forKey: e.leg.key) else { continue }
            retire(at: slot)
        }
    }

    /// Ends one open leg as `lost`: `ended` only, never `missed`; never
    /// before the last event seen of it.
    static func end(_ leg: inout CallLeg, at time: EventTime, reason: ReconcileReason) -> CallPhaseEvent {
        let end = max(time, leg.lastSeen)
        leg.endedAt = end
        leg.cause = .lost
        leg.reconciledBy = reason
        leg.fired.insert(.ended)
        return CallPhaseEvent(phase: .ended, leg: leg, time: end)
    }

    /// Reconciled ends in a stable order (time, call, extension), so a
    /// replay prints the same every time.
    static func ordered(_ events: [CallPhaseEvent]) -> [CallPhaseEvent] {
        events.sorted {
            ($0.time, $0.leg.key.uuid, $0.leg.key.extension) < ($1.time, $1.leg.key.uuid, $1.leg.key.extension)
        }
    }
}
