import Calls

extension CallEngine {
    /// The template variables of rules.md's table for one event (`rule`,
    /// `now` and `delivery.id` are added per request).
    static func variables(for c: EvaluationContext) -> Variables {
        var root: [String: Any] = [
            "event": c.phase.rawValue,
            "customer": c.customer,
            "class": c.classification?.name ?? "",
            "ringtone": c.classification?.ringtone ?? c.box.set.settings.ringtone,
            "alert_info": c.classification?.alertInfo ?? "",
        ]
        let extName = c.directoryName(c.extensionNumber)
        if let leg = c.leg, let caller = c.caller, let callee = c.callee {
            func time(_ t: EventTime?) -> String { t?.rfc3339() ?? "" }
            let callerVars = party(
                caller, name: leg.callerName ?? (caller.isInternal ? c.directoryName(caller.raw) : nil),
                lookup: c.lookup(outbound: false))
            let calleeVars = party(
                callee, name: leg.calleeName ?? (callee.isInternal ? c.directoryName(callee.raw) : nil),
                lookup: c.lookup(outbound: true))
            let inbound = leg.direction == .inbound
            let local = inbound ? calleeVars : callerVars
            root["call"] =
                [
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
                    "reconciled": leg.reconciled,
                    "vars": Dictionary(uniqueKeysWithValues: c.box.set.captureNames.map { ($0, c.slots.placeholder($0) as Any) }),
                ] as [String: Any]
            root["caller"] = callerVars
            root["callee"] = calleeVars
            root["remote"] = inbound ? callerVars : calleeVars
            root["local"] = local
            root["extension"] =
                ["number": leg.key.extension, "name": extName ?? (local["name"] as? String) ?? ""] as [String: Any]
        } else {
            root["extension"] = ["number": c.extensionNumber, "name": extName ?? ""] as [String: Any]
        }
        if let l = c.lineChange {
            root["line"] =
                [
                    "state": l.line ?? "", "presence": l.presence ?? "", "previous_state": l.previousLine ?? "",
                    "previous_presence": l.previousPresence ?? "",
                ] as [String: Any]
        }
        return Variables(root)
    }

    static func party(_ n: PhoneNumber, name: String?, lookup: PartyLookup? = nil) -> [String: Any] {
        let name = (lookup?.name).flatMap { $0.isEmpty ? nil : $0 } ?? name
        var p: [String: Any] = [
            "raw": n.raw, "e164": n.e164, "digits": n.digits, "national": n.national, "internal": n.isInternal,
            "display": name.flatMap { $0.isEmpty ? nil : $0 } ?? (n.raw.isEmpty ? "anonymous" : n.e164),
            "custom": [String: Any](),
        ]
        if let name, !name.isEmpty { p["name"] = name }
        if let lookup { p.merge(lookup.fields) { _, new in new } }
        return p
    }

    /// Every variable path a template may use, for `check` warnings.
    static let knownPaths: [String] = {
        var paths = [
            "event", "rule", "now", "delivery.id", "customer", "call.id", "call.direction", "call.started", "call.answered_at",
            "call.ended_at", "call.answered", "call.duration", "call.ring_duration", "call.cause", "call.error", "call.partial",
            "call.reconciled",
            "extension.number", "extension.name", "class", "ringtone", "alert_info", "line.state", "line.presence",
            "line.previous_state", "line.previous_presence", "call", "caller", "callee", "remote", "local", "extension", "line",
        ]
        for p in ["caller", "callee", "remote", "local"] {
            for f in [
                "raw", "e164", "digits", "national", "internal", "name", "company", "contact_url", "company_url", "crm_id",
                "crm_name", "display", "contacts",
            ] {
                paths.append("\(p).\(f)")
            }
        }
        return paths
    }()
}
