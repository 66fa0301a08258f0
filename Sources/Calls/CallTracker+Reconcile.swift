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
        var ending: [(CallLeg.Key, EventTime)] = []
        for leg in legs.values where leg.lastArrival <= snapshot.requested {
            if let since = idle[LineSnapshot.IdleKey(customer: leg.key.customer, extension: leg.key.extension)] {
                ending.append((leg.key, since))
            }
        }
        return Self.ordered(ending.compactMap { key, since in end(key, at: { _ in since }, reason: { _ in .snapshot }) })
    }

    /// Ends every open leg with no event for `maxRing` (never answered) or
    /// `maxTalk` (answered) before `now`, on the arrival clock. The end time
    /// is the leg's last event plus that bound, so it does not depend on
    /// how often this runs.
    public mutating func endSilentLegs(now: EventTime) -> [CallPhaseEvent] {
        let ring = maxRing
        let talk = maxTalk
        var silent: [CallLeg.Key] = []
        for leg in legs.values where now - leg.lastArrival >= (leg.answered ? talk : ring) { silent.append(leg.key) }
        return Self.ordered(
            silent.compactMap { key in
                end(key, at: { $0.lastSeen + ($0.answered ? talk : ring) }, reason: { $0.answered ? .maxTalk : .maxRing })
            })
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

    /// Ends the open leg `key` as `lost` and moves it to `ended`. The legs
    /// to end are found first and changed one by one after: changing
    /// `legs` while iterating it would copy the whole table.
    private mutating func end(
        _ key: CallLeg.Key, at time: (CallLeg) -> EventTime, reason: (CallLeg) -> ReconcileReason
    ) -> CallPhaseEvent? {
        guard var leg = legs.removeValue(forKey: key) else { return nil }
        let event = Self.end(&leg, at: time(leg), reason: reason(leg))
        ended[key] = EndedLeg(leg)
        return event
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
