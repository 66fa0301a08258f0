import Calls

extension CallEngine {
    /// The remote party of `event`'s call when it is to be looked up now:
    /// the call has not been looked up yet (its first event), a `[lookup]` is
    /// configured, and the party is external (not internal, not anonymous).
    /// Pure: the pipeline does the lookup and passes the result to
    /// `setLookup(_:callID:)` before it processes the event.
    public func lookupCandidate(_ event: CallEvent) -> PhoneNumber? {
        guard rules.lookup != nil, !lookedUp.contains(event.uuid) else { return nil }
        let direction = event.direction ?? (event.caller != nil && event.caller == event.extension ? .outbound : .inbound)
        let raw = (direction == .outbound ? event.callee : event.caller) ?? ""
        let context = direction == .outbound ? event.calleeContext : event.callerContext
        guard !PhoneNumber.isAnonymous(raw) else { return nil }
        let isInternal =
            rules.isInternal(raw, context: context, customer: event.customer ?? "")
            || directory(for: event.customer ?? "")[raw] != nil
        guard !isInternal else { return nil }
        return PhoneNumber(raw: raw, isInternal: false, settings: rules.settings)
    }

    /// Records what the lookup found for a call's remote party (nil: not
    /// found or unavailable — the call goes on with the number only).
    public mutating func setLookup(_ lookup: PartyLookup?, callID: String) {
        lookups[callID] = lookup
        lookedUp.insert(callID)
    }

    /// Forgets lookup results of calls the tracker no longer holds.
    public mutating func forgetLookups() {
        guard !lookedUp.isEmpty else { return }
        let live = Set(tracker.legs.keys.map(\.uuid)).union(tracker.ended.keys.lazy.map(\.uuid))
        lookups = lookups.filter { live.contains($0.key) }
        lookedUp = lookedUp.filter { live.contains($0) }
    }
}
