import Calls

extension CallEngine {
    /// The template variables of rules.md's table for one phase event
    /// (`rule`, `now` and `delivery.id` are added per request).
    public static func variables(for event: CallPhaseEvent, classification: Classification, settings: Settings) -> Variables {
        let leg = event.leg
        func time(_ t: EventTime?) -> String { t?.rfc3339() ?? "" }
        let callerInternal = PhoneNumber.isInternal(
            leg.caller, context: leg.callerContext, customer: leg.key.customer, settings: settings)
        let calleeInternal = PhoneNumber.isInternal(
            leg.callee, context: leg.calleeContext, customer: leg.key.customer, settings: settings)
        let caller = party(leg.caller, isInternal: callerInternal, name: leg.callerName, settings: settings)
        let callee = party(leg.callee, isInternal: calleeInternal, name: leg.calleeName, settings: settings)
        let inbound = leg.direction == .inbound
        let call: [String: Any] = [
            "id": leg.key.uuid,
            "direction": leg.direction.rawValue,
            "started": time(leg.started),
            "answered_at": time(leg.answeredAt),
            "ended_at": time(leg.endedAt),
            "answered": leg.answered,
            "duration": Int(leg.talkDuration.wholeSeconds),
            "ring_duration": Int(leg.ringDuration.wholeSeconds),
            "cause": leg.cause?.rawValue ?? "",
            "error": leg.error ?? "",
            "partial": leg.partial,
            "vars": [String: Any](),
        ]
        let local = inbound ? callee : caller
        return Variables([
            "event": event.phase.rawValue,
            "customer": leg.key.customer,
            "call": call,
            "caller": caller,
            "callee": callee,
            "remote": inbound ? caller : callee,
            "local": local,
            "extension": ["number": leg.key.extension, "name": local["name"] ?? ""] as [String: Any],
            "class": classification.name,
            "ringtone": classification.ringtone,
            "alert_info": classification.alertInfo ?? "",
        ])
    }

    static func party(_ raw: String, isInternal: Bool, name: String?, settings: Settings) -> [String: Any] {
        let n = PhoneNumber(raw: raw, isInternal: isInternal, settings: settings)
        var p: [String: Any] = [
            "raw": n.raw, "e164": n.e164, "digits": n.digits, "national": n.national, "internal": isInternal,
            "display": name.flatMap { $0.isEmpty ? nil : $0 } ?? (n.raw.isEmpty ? "anonymous" : n.e164),
            "custom": [String: Any](),
        ]
        if let name, !name.isEmpty { p["name"] = name }
        return p
    }
}
