/// A phase that fired for a call leg, with the leg as it is at that moment.
public struct CallPhaseEvent: Sendable, Hashable {
    public var phase: Phase
    public var leg: CallLeg
    /// When it happened (the event's `updated`, else its arrival time).
    public var time: EventTime

    public init(phase: Phase, leg: CallLeg, time: EventTime) {
        self.phase = phase
        self.leg = leg
        self.time = time
    }
}

/// Turns raw call states into phases, each at most once per leg.
///
/// Pure: no I/O and no clock; times come from the events, and `now` from
/// the caller. No call is left open (runtime.md, "Call tracker"): a leg
/// whose extension a states snapshot finds idle (`reconcile`), or that is
/// silent past `maxRing` / `maxTalk` (`endSilentLegs`), ends with cause
/// `lost`, exactly once. Memory is bounded: an ended leg leaves `legs` at
/// once and only its key and last arrival are kept (`ended`) for
/// `endedRetention` to swallow late duplicates, and a leg callhook ended
/// itself is remembered by key (`tombstones`) for `reconciledRetention`, so
/// that its late real hang-up fires nothing.
public struct CallTracker: Sendable {
    /// A leg never answered ends as `lost` after this long without an event.
    public var maxRing: Duration
    /// An answered leg ends as `lost` after this long without an event.
    public var maxTalk: Duration
    public var endedRetention: Duration
    /// How long the key of a leg callhook ended itself is remembered.
    public var reconciledRetention: Duration = .seconds(24 * 3600)
    /// At most this many such keys are remembered (the oldest go first).
    public var maxTombstones = 100_000
    /// Legs that have not ended.
    public internal(set) var legs: [CallLeg.Key: CallLeg] = [:]
    /// Legs that have ended, kept `endedRetention` after their latest event.
    public internal(set) var ended: [CallLeg.Key: EndedLeg] = [:]
    /// Keys of reconciled legs no longer in `legs`, with the arrival time
    /// of their latest event.
    public internal(set) var tombstones: [CallLeg.Key: EventTime] = [:]
    /// Hang-ups that arrived for a leg callhook had already ended as `lost`
    /// (swallowed).
    public internal(set) var lateHangupCount = 0

    public init(
        maxRing: Duration = .seconds(600), maxTalk: Duration = .seconds(12 * 3600),
        endedRetention: Duration = .seconds(600)
    ) {
        self.maxRing = maxRing
        self.maxTalk = maxTalk
        self.endedRetention = endedRetention
    }

    /// Legs that have not ended.
    public var activeLegs: [CallLeg] { Array(legs.values) }

    /// Legs held, open or recently ended: grows by one with each new leg.
    public var legCount: Int { legs.count + ended.count }

    /// Feeds one raw event; returns the phases it fires, in order.
    ///
    /// `annotate` derives what a leg's user keeps with it (the engine: its
    /// parties' normalized numbers): called for a new leg, and for a known
    /// one when a later event fills in a number or when its annotation is
    /// not of `generation` (0: never for that reason), before the leg is
    /// copied into any phase event.
    public mutating func ingest(
        _ event: CallEvent, arrival: EventTime, generation: UInt64 = 0,
        annotate: (CallLeg) -> (any LegAnnotation)? = { _ in nil }
    ) -> [CallPhaseEvent] {
        let time = event.updated.flatMap { EventTime(rfc3339: $0) } ?? arrival
        let key = CallLeg.Key(
            customer: event.customer ?? "", uuid: event.uuid,
            extension: event.extension ?? Self.guessExtension(event))
        // NFON states are lowercase; other spellings are folded only when needed.
        let state = event.state.utf8Contains(where: { $0 >= 0x41 && $0 <= 0x5A }) ? event.state.lowercased() : event.state
        let isAnswer = state == "answer"
        let isEnd = state == "hangup" || state == "end"

        var out: [CallPhaseEvent] = []
        // A known leg is changed in place (one hash, no copy of the leg
        // into and out of the table).
        if let slot = legs.index(forKey: key) {
            let changed = Self.update(&legs.values[slot], with: event, time: time, arrival: arrival)
            if changed || (generation != 0 && legs.values[slot].annotation?.generation != generation) {
                legs.values[slot].annotation = annotate(legs.values[slot])
            }
            Self.advance(&legs.values[slot], state: state, error: event.error, time: time, out: &out)
            if legs.values[slot].fired.contains(.ended) { retire(at: slot) }
            return out
        }
        if !ended.isEmpty, let slot = ended.index(forKey: key) {
            // A late duplicate of an ended leg fires nothing; the hang-up of
            // a leg callhook ended itself is counted.
            ended.values[slot].lastArrival = max(ended.values[slot].lastArrival, arrival)
            if isEnd && ended.values[slot].reconciled { lateHangupCount += 1 }
            return out
        }
        if !tombstones.isEmpty, let buried = tombstones[key] {
            // Callhook ended this leg as `lost` and has let go of it since:
            // whatever comes now fires nothing.
            if isEnd { lateHangupCount += 1 }
            tombstones[key] = max(buried, arrival)
            return out
        }
        // A PBX that sends no direction: an event whose caller is the
        // extension is outbound, else inbound.
        let direction = event.direction ?? (event.caller != nil && event.caller == event.extension ? .outbound : .inbound)
        let sawStart = !(isAnswer || isEnd)
        var leg = CallLeg(
            key: key, direction: direction, caller: event.caller ?? "", callerContext: event.callerContext,
            callee: event.callee ?? "", calleeContext: event.calleeContext, callerName: event.callerName,
            calleeName: event.calleeName, started: time, answeredAt: nil, endedAt: nil, partial: !sawStart,
            cause: nil, error: nil, lastSeen: time, lastArrival: arrival, fired: [])
        leg.annotation = annotate(leg)
        if sawStart {
            // inbound: the first ring; outbound: the first event of any kind.
            if direction == .outbound || state == "ring" {
                let phase: Phase = direction == .inbound ? .incoming : .outgoing
                leg.fired.insert(phase)
                out.append(CallPhaseEvent(phase: phase, leg: leg, time: time))
            }
        }
        Self.advance(&leg, state: state, error: event.error, time: time, out: &out)
        if leg.fired.contains(.ended) { ended[key] = EndedLeg(leg) } else { legs[key] = leg }
        return out
    }

    /// Moves an ended leg out of `legs`, keeping only what `ended` needs.
    private mutating func retire(at slot: [CallLeg.Key: CallLeg].Index) {
        let (key, leg) = legs.remove(at: slot)
        ended[key] = EndedLeg(leg)
    }

    /// A known leg takes a later event's times and what it knows; true
    /// when a number changed.
    private static func update(_ leg: inout CallLeg, with event: CallEvent, time: EventTime, arrival: EventTime) -> Bool {
        leg.lastSeen = max(leg.lastSeen, time)
        leg.lastArrival = max(leg.lastArrival, arrival)
        return leg.merge(event)
    }

    /// The phases a state fires for an open leg.
    private static func advance(
        _ leg: inout CallLeg, state: String, error: String?, time: EventTime, out: inout [CallPhaseEvent]
    ) {
        let isAnswer = state == "answer"
        let isEnd = state == "hangup" || state == "end"
        if !leg.partial && leg.direction == .inbound && state == "ring" && !leg.fired.contains(.incoming)
            && !leg.fired.contains(.answered)
        {
            // An inbound leg whose first events were pre-ring states.
            leg.fired.insert(.incoming)
            out.append(CallPhaseEvent(phase: .incoming, leg: leg, time: time))
        }
        if isAnswer && !leg.fired.contains(.answered) {
            leg.answeredAt = time
            leg.fired.insert(.answered)
            out.append(CallPhaseEvent(phase: .answered, leg: leg, time: time))
        }
        if isEnd {
            leg.endedAt = time
            leg.error = error
            leg.cause = Self.cause(direction: leg.direction, answered: leg.answered, error: error)
            leg.fired.insert(.ended)
            out.append(CallPhaseEvent(phase: .ended, leg: leg, time: time))
            if leg.direction == .inbound && !leg.answered && !leg.partial {
                leg.fired.insert(.missed)
                out.append(CallPhaseEvent(phase: .missed, leg: leg, time: time))
            }
        }
    }

    /// The normalized end cause (runtime.md, "Call tracker").
    public static func cause(direction: Direction, answered: Bool, error: String?) -> EndCause {
        if answered { return .answered }
        switch (direction, error?.lowercased()) {
        case (_, "busy"): return .busy
        case (_, "reject"): return .rejected
        case (.inbound, nil), (.inbound, "timeout"), (.inbound, "cancel"), (.inbound, ""): return .missed
        case (.outbound, nil), (.outbound, "cancel"), (.outbound, ""): return .cancelled
        case (.outbound, "timeout"): return .missed
        default: return .failed
        }
    }

    private static func guessExtension(_ e: CallEvent) -> String {
        e.direction == .outbound ? (e.caller ?? "") : (e.callee ?? "")
    }
}

extension CallLeg {
    /// Fills in what a later event knows and the first did not; true when
    /// a number or its context changed (the leg's annotation is then stale).
    @discardableResult mutating func merge(_ e: CallEvent) -> Bool {
        var numbers = false
        if caller.isEmpty, let c = e.caller, !c.isEmpty {
            caller = c
            numbers = true
        }
        if callee.isEmpty, let c = e.callee, !c.isEmpty {
            callee = c
            numbers = true
        }
        if callerContext == nil, let c = e.callerContext {
            callerContext = c
            numbers = true
        }
        if calleeContext == nil, let c = e.calleeContext {
            calleeContext = c
            numbers = true
        }
        if callerName == nil, let n = e.callerName { callerName = n }
        if calleeName == nil, let n = e.calleeName { calleeName = n }
        return numbers
    }
}
