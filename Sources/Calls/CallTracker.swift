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
/// Pure: no I/O and no clock; times come from the events. Memory is
/// bounded: a leg with no event for `idleTimeout` is dropped by `expire`,
/// and an ended leg is kept only `endedRetention` to swallow late
/// duplicates.
public struct CallTracker: Sendable {
    public var idleTimeout: Duration
    public var endedRetention: Duration
    public private(set) var legs: [CallLeg.Key: CallLeg] = [:]
    /// Legs dropped by `expire` because they went silent before hang-up.
    public private(set) var expiredCount = 0

    public init(idleTimeout: Duration = .seconds(6 * 3600), endedRetention: Duration = .seconds(600)) {
        self.idleTimeout = idleTimeout
        self.endedRetention = endedRetention
    }

    /// Legs that have not ended.
    public var activeLegs: [CallLeg] { legs.values.filter { !$0.fired.contains(.ended) } }

    /// Feeds one raw event; returns the phases it fires, in order.
    public mutating func ingest(_ event: CallEvent, arrival: EventTime) -> [CallPhaseEvent] {
        let time = event.updated.flatMap { EventTime(rfc3339: $0) } ?? arrival
        let key = CallLeg.Key(
            customer: event.customer ?? "", uuid: event.uuid,
            extension: event.extension ?? Self.guessExtension(event))
        // NFON states are lowercase; other spellings are folded only when needed.
        let state = event.state.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) ? event.state.lowercased() : event.state
        let isAnswer = state == "answer"
        let isEnd = state == "hangup" || state == "end"

        var leg: CallLeg
        var out: [CallPhaseEvent] = []
        // One hash for a known leg: read and write back through its index.
        let slot = legs.index(forKey: key)
        if let slot {
            leg = legs.values[slot]
            leg.lastSeen = max(leg.lastSeen, time)
            leg.merge(event)
        } else {
            // A PBX that sends no direction: an event whose caller is the
            // extension is outbound, else inbound.
            let direction =
                event.direction ?? (event.caller != nil && event.caller == event.extension ? .outbound : .inbound)
            let sawStart = !(isAnswer || isEnd)
            leg = CallLeg(
                key: key, direction: direction, caller: event.caller ?? "", callerContext: event.callerContext,
                callee: event.callee ?? "", calleeContext: event.calleeContext, callerName: event.callerName,
                calleeName: event.calleeName, started: time, answeredAt: nil, endedAt: nil, partial: !sawStart,
                cause: nil, error: nil, lastSeen: time, fired: [])
            if sawStart {
                // inbound: the first ring; outbound: the first event of any kind.
                if direction == .outbound || state == "ring" {
                    let phase: Phase = direction == .inbound ? .incoming : .outgoing
                    leg.fired.insert(phase)
                    out.append(CallPhaseEvent(phase: phase, leg: leg, time: time))
                }
            }
        }

        if leg.fired.contains(.ended) {
            if let slot { legs.values[slot] = leg } else { legs[key] = leg }
            return out
        }
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
            leg.error = event.error
            leg.cause = Self.cause(direction: leg.direction, answered: leg.answered, error: event.error)
            leg.fired.insert(.ended)
            out.append(CallPhaseEvent(phase: .ended, leg: leg, time: time))
            if leg.direction == .inbound && !leg.answered && !leg.partial {
                leg.fired.insert(.missed)
                out.append(CallPhaseEvent(phase: .missed, leg: leg, time: time))
            }
        }
        if let slot { legs.values[slot] = leg } else { legs[key] = leg }
        return out
    }

    /// Drops legs with no event for `idleTimeout`, and ended legs older than
    /// `endedRetention`. Returns how many unfinished legs were dropped.
    @discardableResult
    public mutating func expire(now: EventTime) -> Int {
        var dropped = 0
        let idle = idleTimeout
        let ended = endedRetention
        legs = legs.filter { _, leg in
            if leg.fired.contains(.ended) { return now - leg.lastSeen < ended }
            if now - leg.lastSeen >= idle {
                dropped += 1
                return false
            }
            return true
        }
        expiredCount += dropped
        return dropped
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
    /// Fills in what a later event knows and the first did not.
    mutating func merge(_ e: CallEvent) {
        if caller.isEmpty, let c = e.caller { caller = c }
        if callee.isEmpty, let c = e.callee { callee = c }
        if callerContext == nil { callerContext = e.callerContext }
        if calleeContext == nil { calleeContext = e.calleeContext }
        if callerName == nil { callerName = e.callerName }
        if calleeName == nil { calleeName = e.calleeName }
    }
}
