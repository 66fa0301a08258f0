import Calls
import Feeds
import Foundation
import RuleEngine

/// `callhook test`: replays recorded events through the engine and reports,
/// for each phase fired, the classification, the matched rules and every
/// rendered request with secrets masked. No network, no queue.
public struct DryRun {
    public struct Step: Sendable {
        public var line: Int
        public var result: EngineResult
        /// A leg still open at the end of the file, ended as `lost` when the
        /// replay clock ran on past its bound.
        public var atEnd = false
    }

    public struct InvalidEvent: Error, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var message: String
        public var description: String { "\(file):\(line): error: \(message)" }
    }

    let rules: RuleSet
    /// `[calls] max_ring` and `max_talk` of the replay (the defaults).
    let maxRing: Duration
    let maxTalk: Duration
    /// `--lookup`: lookup answers by number, used where the daemon would look
    /// a caller up (no network).
    let lookups: [String: PartyLookup?]

    public init(
        rules: RuleSet, maxRing: Duration = .seconds(600), maxTalk: Duration = .seconds(12 * 3600),
        lookups: [String: PartyLookup?] = [:]
    ) {
        self.rules = rules
        self.maxRing = maxRing
        self.maxTalk = maxTalk
        self.lookups = lookups
    }

    /// Runs every line of a JSONL file (call objects have `uuid`; others are
    /// line-state objects). Times come from `updated`, so output is stable.
    /// Lines are decoded by the decoder `run` uses for the NFON streams.
    public func run(jsonl text: String, file: String) throws(InvalidEvent) -> [Step] {
        var counter = 0
        // The ids `run` would give the same requests (docs/delivery.md), so
        // `{{delivery.id}}` shows what a receiver will see.
        var engine = CallEngine(
            rules: rules, tracker: CallTracker(maxRing: maxRing, maxTalk: maxTalk), deliveryID: DeliveryID.derived)
        var steps: [Step] = []
        var last = EventTime(nanoseconds: 0)
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            counter += 1
            let data = Data(line.utf8)
            guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw InvalidEvent(file: file, line: i + 1, message: "not a JSON object")
            }
            if object["uuid"] != nil {
                guard let event = try? NFONDecoder.call(line) else {
                    throw InvalidEvent(file: file, line: i + 1, message: "a call event needs string fields `uuid` and `state`")
                }
                let time = event.updated.flatMap { EventTime(rfc3339: $0) } ?? last
                last = time
                // The replay clock passing a leg's bound ends it before this event.
                for r in engine.endSilentLegs(now: time) { steps.append(Step(line: i + 1, result: r)) }
                if !lookups.isEmpty, let n = engine.lookupCandidate(event) { engine.setLookup(answer(n), callID: event.uuid) }
                for r in engine.process(event, arrival: time, now: time) { steps.append(Step(line: i + 1, result: r)) }
            } else {
                guard let state = try? NFONDecoder.state(line) else {
                    throw InvalidEvent(
                        file: file, line: i + 1, message: "neither a call event (`uuid`) nor a line state (`extension`)")
                }
                let time = state.updated.flatMap { EventTime(rfc3339: $0) } ?? last
                last = time
                let snapshot = (object["snapshot"] as? Bool) ?? false
                for r in engine.endSilentLegs(now: time) { steps.append(Step(line: i + 1, result: r)) }
                if let r = engine.process(line: state, snapshot: snapshot, arrival: time, now: time) {
                    steps.append(Step(line: i + 1, result: r))
                }
            }
        }
        // At the end of the file the replay clock runs on until every open
        // leg has passed its bound: a ring with no hang-up ends as `lost`.
        let end = last + max(maxRing, maxTalk)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
        for r in engine.endSilentLegs(now: end) { steps.append(Step(line: lines, result: r, atEnd: true)) }
        return steps
    }

    /// A header value as shown: `Authorization` and environment values masked.
    public func shown(header name: String, _ value: String) -> String {
        let lower = name.lowercased()
        if lower == "authorization" || lower == "proxy-authorization" || lower.contains("token") || lower.contains("secret") {
            return "***"
        }
        return rules.mask(value)
    }

    public func text(_ steps: [Step], file: String) -> String {
        var out = ""
        for s in steps {
            let r = s.result
            var head = "\(file):\(s.atEnd ? "end" : String(s.line)): \(r.phase.rawValue)"
            if let e = r.event {
                head += "  call \(e.leg.key.uuid)  extension \(e.leg.key.extension)  \(e.leg.direction.rawValue)"
                if e.leg.partial { head += "  (partial)" }
                if let reason = e.leg.reconciledBy { head += "  " + lostNote(reason, atEnd: s.atEnd) }
            }
            if let l = r.lineChange {
                head += "  extension \(l.extension)  line \(l.previousLine ?? "?") → \(l.line ?? "?")"
                head += "  presence \(l.previousPresence ?? "?") → \(l.presence ?? "?")"
            }
            out += head + "\n"
            if let c = r.classification {
                out +=
                    "  class \(c.name), ringtone \(r.ringtone ?? c.ringtone)" + (c.alertInfo.map { ", alert_info \($0)" } ?? "")
                    + "\n"
            }
            out += "  rules: " + (r.matchedRules.isEmpty ? "(none)" : r.matchedRules.joined(separator: ", ")) + "\n"
            for q in r.requests {
                out += "  → \(q.method) \(rules.mask(q.url))   [rule \(q.rule), target \(q.target)]\n"
                for h in q.headers { out += "      \(h.name): \(shown(header: h.name, h.value))\n" }
                if let b = q.body { out += "      " + rules.mask(String(decoding: b, as: UTF8.self)) + "\n" }
            }
        }
        return out
    }

    public func json(_ steps: [Step]) -> [[String: Any]] {
        steps.map { s in
            let r = s.result
            var o: [String: Any] = ["line": s.line, "phase": r.phase.rawValue, "rules": r.matchedRules]
            if let e = r.event {
                o["call"] = e.leg.key.uuid
                o["extension"] = e.leg.key.extension
                o["direction"] = e.leg.direction.rawValue
                o["partial"] = e.leg.partial
                if let reason = e.leg.reconciledBy {
                    o["cause"] = "lost"
                    o["reconciled"] = reason.rawValue
                    o["ended_at"] = e.leg.endedAt?.rfc3339() ?? ""
                    if s.atEnd { o["at_end"] = true }
                }
            }
            if let l = r.lineChange {
                o["extension"] = l.extension
                o["line"] = [
                    "state": l.line ?? "", "previous_state": l.previousLine ?? "", "presence": l.presence ?? "",
                    "previous_presence": l.previousPresence ?? "",
                ]
            }
            if let c = r.classification {
                o["class"] = c.name
                o["ringtone"] = r.ringtone ?? c.ringtone
                if let a = c.alertInfo { o["alert_info"] = a }
            }
            o["requests"] = r.requests.map { q -> [String: Any] in
                [
                    "rule": q.rule, "target": q.target, "method": q.method, "url": rules.mask(q.url),
                    "headers": q.headers.map { ["name": $0.name, "value": shown(header: $0.name, $0.value)] },
                    "body": q.body.map { rules.mask(String(decoding: $0, as: UTF8.self)) } ?? NSNull(),
                ]
            }
            return o
        }
    }
}
