import AsyncAlgorithms
import Foundation
import Logging
import RuleEngine
import ServiceLifecycle
import UnixSignals

/// Reloads the rule set on SIGHUP and when a file under the rules directory
/// changes (checked every 2 s). An invalid set is rejected with its errors
/// logged; the old one stays.
public final class RuleReloader: Service {
    let directory: String
    let apply: @Sendable (RuleSet) async -> Void
    let logger: Logger
    let pollInterval: Duration

    public init(
        directory: String, logger: Logger, pollInterval: Duration = .seconds(2),
        apply: @escaping @Sendable (RuleSet) async -> Void
    ) {
        self.directory = directory
        self.apply = apply
        self.logger = logger
        self.pollInterval = pollInterval
    }

    public func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        await withDiscardingTaskGroup { group in
            group.addTask {
                await cancelWhenGracefulShutdown {
                    for await _ in signals {
                        self.logger.info("SIGHUP: reloading rules")
                        await self.reload(trigger: "signal")
                    }
                }
            }
            group.addTask {
                var last = Self.fingerprint(self.directory)
                for await _ in AsyncTimerSequence.repeating(every: self.pollInterval).cancelOnGracefulShutdown() {
                    let now = Self.fingerprint(self.directory)
                    if now != last {
                        last = now
                        self.logger.info("rules directory changed: reloading rules")
                        await self.reload()
                    }
                }
            }
        }
    }

    /// Loads the rules; applies them when valid. Returns the problems when
    /// not. `trigger` (`signal`, `file change`) is logged with the outcome.
    @discardableResult
    public func reload(trigger: String = "file change") async -> RuleLoadError? {
        if case .failure(let e) = await reloadResult(trigger: trigger) { return e }
        return nil
    }

    /// As `reload`, with the rule set that was applied (`POST /v1/rules/reload`).
    public func reloadResult(trigger: String) async -> Result<RuleSet, RuleLoadError> {
        let result = RuleFiles.load(directory: directory, missingEnvironment: .error)
        switch result {
        case .success(let rules):
            await apply(rules)
            logger.notice(
                "rules reloaded",
                metadata: [
                    "rules": "\(rules.rules.count)", "targets": "\(rules.targets.count)", "warnings": "\(rules.warnings.count)",
                    "trigger": "\(trigger)",
                ])
        case .failure(let e):
            logger.error(
                "rules not reloaded: the new rule set is invalid; the old one stays",
                metadata: ["problems": "\(e.problems.count)", "trigger": "\(trigger)"])
            for p in e.problems { logger.error("\(p.description)") }
        }
        return result
    }

    /// Paths, sizes and modification times of the rules directory's files.
    static func fingerprint(_ directory: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        var out: [String] = []
        while let item = walker.nextObject() as? String {
            let path = (directory as NSString).appendingPathComponent(item)
            guard let a = try? FileManager.default.attributesOfItem(atPath: path) else { continue }
            let size = (a[.size] as? NSNumber)?.int64Value ?? 0
            let mtime = (a[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            out.append("\(item)|\(size)|\(mtime)")
        }
        return out.sorted()
    }
}
