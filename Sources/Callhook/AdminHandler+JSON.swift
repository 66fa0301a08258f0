import Calls
import Delivery
import Foundation
import RuleEngine

/// The JSON shapes of the admin API (docs/openapi.yaml).
extension AdminHandler {
    static func time(_ epochMillis: Int64) -> String {
        let (nanoseconds, overflow) = epochMillis.multipliedReportingOverflow(by: 1_000_000)
        return EventTime(nanoseconds: overflow ? (epochMillis > 0 ? .max : .min) : nanoseconds).rfc3339()
    }

    /// A delivery in a listing.
    func summary(_ d: Delivery) -> [String: Any] {
        var o: [String: Any] = [
            "id": d.id, "status": d.status.rawValue, "rule": d.rule, "target": d.target, "phase": d.phase,
            "call_id": d.callID, "method": d.method, "url": masker.mask(SecretMasking.maskURL(d.url)),
            "created_at": Self.time(d.createdAt), "attempts": d.attempts,
        ]
        if d.status == .pending { o["next_attempt_at"] = Self.time(d.nextAttemptAt) }
        if let f = d.finishedAt { o["finished_at"] = Self.time(f) }
        if let s = d.lastStatus { o["last_status"] = s }
        if let e = d.lastError { o["last_error"] = masker.mask(SecretMasking.maskURLs(in: e)) }
        return o
    }

    /// A delivery with its request and attempts.
    func detail(_ d: Delivery, attempts: [Attempt]) -> [String: Any] {
        var o = summary(d)
        o["headers"] = d.headers.map { h -> [String: Any] in
            ["name": h.name, "value": SecretMasking.isSecretHeader(h.name) ? "***" : masker.mask(h.value)]
        }
        if let body = d.body { o["body"] = masker.mask(String(decoding: body, as: UTF8.self)) }
        o["attempt_history"] = attempts.map { a -> [String: Any] in
            var x: [String: Any] = [
                "number": a.number, "started_at": Self.time(a.startedAt), "duration_seconds": a.durationSeconds,
                "response": masker.mask(String(decoding: a.response, as: UTF8.self)),
            ]
            if let s = a.status { x["status"] = s }
            if let e = a.error { x["error"] = masker.mask(SecretMasking.maskURLs(in: e)) }
            return x
        }
        return o
    }

    /// The rule set, as `callhook check --json` summarizes it.
    static func summary(_ set: RuleSet) -> [String: Any] {
        [
            "valid": true,
            "lists": Dictionary(uniqueKeysWithValues: set.lists.map { ($0.key, $0.value.count) }),
            "schedules": set.schedules.keys.sorted(),
            "classes": set.classes.map(\.name),
            "targets": set.targets.keys.sorted(),
            "rules": set.rules.map(\.name),
            "warnings": set.warnings.map(\.description),
        ]
    }

    /// Cursors are opaque to clients: base64 of the last queue position seen.
    static func encodeCursor(_ seq: Int64) -> String {
        Data("\(seq)".utf8).base64EncodedString()
    }

    static func decodeCursor(_ cursor: String) -> Int64? {
        guard let data = Data(base64Encoded: cursor) else { return nil }
        return Int64(String(decoding: data, as: UTF8.self))
    }
}
