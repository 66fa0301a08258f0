import Callhook
import Calls
import Delivery
import Foundation
import RuleEngine

/// How `callhook queue` prints deliveries.
enum QueueText {
    static func time(_ epochMillis: Int64) -> String {
        EventTime(nanoseconds: epochMillis * 1_000_000).rfc3339()
    }

    static func isSecretHeader(_ name: String) -> Bool { SecretMasking.isSecretHeader(name) }

    /// The targets the rules define, or nil when the rules cannot be loaded.
    static func knownTargets(settings: DaemonConfig) -> Set<String>? {
        guard case .success(let rules) = RuleFiles.load(directory: settings.rules, missingEnvironment: .placeholder) else {
            return nil
        }
        return Set(rules.targets.keys)
    }

    /// Why a pending delivery waits although due: its target is not in the
    /// rules (a reload removed or renamed it). Nil when it is not orphaned or
    /// the rules are unknown.
    static func orphanReason(_ d: Delivery, known: Set<String>?) -> String? {
        guard d.status == .pending, let known, !known.contains(d.target) else { return nil }
        return "orphaned: target \(d.target) is not in the rules"
    }

    /// Masks values the configuration or the rules took from the environment.
    static func masker(settings: DaemonConfig) -> (String) -> String {
        var secrets = settings.secrets
        if case .success(let rules) = RuleFiles.load(directory: settings.rules, missingEnvironment: .placeholder) {
            secrets.formUnion(rules.secrets)
        }
        let sorted = secrets.filter { $0.count >= 3 }.sorted { $0.count > $1.count }
        return { text in sorted.reduce(text) { $0.replacingOccurrences(of: $1, with: "***") } }
    }

    static func describe(
        _ d: Delivery, attempts: [Attempt], mask: (String) -> String, orphan: String? = nil
    ) -> String {
        var out = """
            delivery  \(d.id)
            status    \(d.status.rawValue)\(d.lastError.map { " (\(mask($0)))" } ?? "")\(orphan.map { " (\($0))" } ?? "")
            rule      \(d.rule)
            target    \(d.target)
            phase     \(d.phase)
            call      \(d.callID)
            created   \(time(d.createdAt))
            attempts  \(d.attempts)
            """
        if d.status == .pending { out += "\nnext      \(time(d.nextAttemptAt))" }
        if let f = d.finishedAt { out += "\nfinished  \(time(f))" }
        out += "\n\n\(d.method) \(mask(SecretMasking.maskURL(d.url)))"
        for h in d.headers { out += "\n\(h.name): \(isSecretHeader(h.name) ? "***" : mask(h.value))" }
        if let body = d.body { out += "\n\n" + mask(String(decoding: body, as: UTF8.self)) }
        for a in attempts {
            out += "\n\n-- attempt \(a.number) at \(time(a.startedAt)), \(String(format: "%.3f", a.durationSeconds)) s"
            out += a.status.map { ", HTTP \($0)" } ?? ""
            if let e = a.error { out += ", \(mask(SecretMasking.maskURLs(in: e)))" }
            if !a.response.isEmpty {
                let text = String(decoding: a.response.prefix(2048), as: UTF8.self)
                out += "\n" + mask(text) + (a.response.count > 2048 ? "\n… (\(a.response.count) bytes kept)" : "")
            }
        }
        return out
    }
}
