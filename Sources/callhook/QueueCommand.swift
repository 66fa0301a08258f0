import ArgumentParser
import Callhook
import Calls
import Delivery
import Foundation
import Logging
import RuleEngine

/// `callhook queue …`: inspect and repair the delivery queue, also while
/// the daemon runs (SQLite lets both open the file; PostgreSQL is shared).
struct QueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Inspect and repair the delivery queue.",
        subcommands: [Stats.self, List.self, Show.self, Retry.self, Purge.self])

    /// Where the queue is: `--data DIR` or `--config FILE`.
    struct Location: ParsableArguments {
        @Option(help: "Data directory holding queue.sqlite.")
        var data: String?

        @Option(help: "Configuration file (its `data` and [queue] url say where the queue is).")
        var config: String?

        func open(readOnly: Bool = false) async throws -> (any DeliveryStore, DaemonConfig) {
            var settings = try ConfigFile.load(config, missingEnvironment: .placeholder)
            if let data {
                settings.data = data
                settings.queueURL = nil
            }
            if let path = settings.queuePath, !FileManager.default.fileExists(atPath: path) {
                throw CommandFailure.invalidInput(
                    "no delivery queue at \(path); give the daemon's --data DIR or --config FILE")
            }
            do {
                let queue = try await QueueStore.open(
                    settings, clock: .system, logger: Logger(label: "callhook.queue"), readOnly: readOnly)
                queue.startForCommand()
                return (queue.store, settings)
            } catch {
                throw CommandFailure.runtime("\(error)")
            }
        }
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deliveries by status.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var location: Location

        func run() async throws {
            let (store, settings) = try await location.open(readOnly: true)
            let counts = try await store.counts()
            for s in DeliveryStatus.allCases {
                print("\(s.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0))\(counts[s] ?? 0)")
            }
            if let known = QueueText.knownTargets(settings: settings) {
                let orphaned = try await store.pendingCountsByTarget().filter { !known.contains($0.key) }.values.reduce(0, +)
                print(
                    "\("orphaned".padding(toLength: 10, withPad: " ", startingAt: 0))\(orphaned) (pending, target not in the rules)"
                )
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deliveries, newest first.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var location: Location
        @Option(help: "Only this status: pending, delivered, dead or orphaned.") var status: String?
        @Option(help: "At most this many.") var limit: Int = 50

        func run() async throws {
            var filter: DeliveryStatus?
            let onlyOrphaned = status == "orphaned"
            if let status, !onlyOrphaned {
                guard let s = DeliveryStatus(rawValue: status) else {
                    throw CommandFailure.usage("--status: expected pending, delivered, dead or orphaned, got \(status)")
                }
                filter = s
            }
            let (store, settings) = try await location.open(readOnly: true)
            let known = QueueText.knownTargets(settings: settings)
            if onlyOrphaned && known == nil {
                throw CommandFailure.invalidInput("--status orphaned: the rules in \(settings.rules) cannot be loaded")
            }
            var rows = try await store.list(status: onlyOrphaned ? .pending : filter, limit: max(1, limit))
            if onlyOrphaned { rows = rows.filter { QueueText.orphanReason($0, known: known) != nil } }
            if rows.isEmpty {
                print("no deliveries")
                return
            }
            for d in rows {
                let reason = QueueText.orphanReason(d, known: known)
                var line =
                    "\(d.id)  \(reason == nil ? d.status.rawValue : "orphaned")  target=\(d.target) rule=\(d.rule) phase=\(d.phase) attempts=\(d.attempts)"
                if let s = d.lastStatus { line += " status=\(s)" }
                if let e = d.lastError { line += " error=\"\(e)\"" }
                line += " created=\(QueueText.time(d.createdAt))"
                if d.status == .pending && d.nextAttemptAt > d.createdAt { line += " next=\(QueueText.time(d.nextAttemptAt))" }
                if let reason { line += " reason=\"\(reason)\"" }
                print(line)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One delivery with its attempts (secrets masked).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var location: Location
        @Argument(help: "The delivery id.") var id: String

        func run() async throws {
            let (store, settings) = try await location.open(readOnly: true)
            guard let (d, attempts) = try await store.delivery(id: id) else {
                throw CommandFailure.invalidInput("no delivery with id \(id)")
            }
            let mask = QueueText.masker(settings: settings)
            let orphan = QueueText.orphanReason(d, known: QueueText.knownTargets(settings: settings))
            print(QueueText.describe(d, attempts: attempts, mask: mask, orphan: orphan))
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Queue deliveries again with a fresh set of attempts: by id, every dead one (--dead), or every orphaned one (--orphaned --target NEW)."
        )
        @OptionGroup var global: GlobalOptions
        @OptionGroup var location: Location
        @Flag(help: "Every dead delivery.") var dead = false
        @Flag(help: "Every pending delivery whose target is not in the rules (needs --target).") var orphaned = false
        @Option(help: "Send them to this target of the rules instead (a renamed or replaced target).") var target: String?
        @Argument(help: "Delivery ids.") var ids: [String] = []

        func validate() throws {
            if [dead, orphaned, !ids.isEmpty].filter({ $0 }).count != 1 {
                throw ValidationError("give delivery ids, --dead or --orphaned: exactly one of them")
            }
            if orphaned && target == nil { throw ValidationError("--orphaned needs --target NEW: the target to send them to") }
            if dead && target != nil { throw ValidationError("--target goes with delivery ids or --orphaned, not --dead") }
        }

        func run() async throws {
            let (store, settings) = try await location.open()
            // Due at once, whatever wall time a running daemon schedules by.
            let now: Int64 = 0
            var wanted = ids
            if let target {
                guard let known = QueueText.knownTargets(settings: settings) else {
                    throw CommandFailure.invalidInput("--target: the rules in \(settings.rules) cannot be loaded; fix them first")
                }
                guard known.contains(target) else {
                    throw CommandFailure.invalidInput(
                        "--target: no target \"\(target)\" in the rules; known: \(known.sorted().joined(separator: ", "))")
                }
                if orphaned {
                    wanted = try await store.list(status: .pending, limit: Int.max)
                        .filter { !known.contains($0.target) }.map(\.id)
                }
                let n = try await store.retarget(ids: wanted, to: target, now: now)
                print("\(n) deliveries queued again for target \(target)")
                if !orphaned && n < ids.count {
                    throw CommandFailure.invalidInput("\(ids.count - n) of the ids were not found (or already delivered)")
                }
                return
            }
            let n = dead ? try await store.retryDead(now: now) : try await store.retry(ids: ids, now: now)
            print("\(n) deliveries queued again")
            if !dead && n < ids.count { throw CommandFailure.invalidInput("\(ids.count - n) of the ids were not found") }
        }
    }

    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete dead deliveries (--dead), or pending ones whose target is not in the rules (--orphaned).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var location: Location
        @Flag(help: "Dead deliveries.") var dead = false
        @Flag(help: "Pending deliveries whose target is not in the rules.") var orphaned = false
        @Option(help: "Only those dead for longer than this, e.g. 7d.") var olderThan: String?

        func validate() throws {
            if dead == orphaned { throw ValidationError("say what to delete: --dead or --orphaned") }
            if orphaned && olderThan != nil { throw ValidationError("--older-than goes with --dead") }
        }

        func run() async throws {
            if orphaned {
                let (store, settings) = try await location.open()
                guard let known = QueueText.knownTargets(settings: settings) else {
                    throw CommandFailure.invalidInput(
                        "--orphaned: the rules in \(settings.rules) cannot be loaded; fix them first")
                }
                let n = try await store.purgeOrphaned(known: known)
                print("\(n) orphaned deliveries deleted")
                return
            }
            var before: Int64?
            if let olderThan {
                guard let d = DurationText.parse(olderThan) else {
                    throw CommandFailure.usage("--older-than: expected a duration like 7d, got \(olderThan)")
                }
                before = WallClock.now().nanoseconds / 1_000_000 - d.components.seconds * 1000
            }
            let (store, _) = try await location.open()
            let n = try await store.purgeDead(before: before)
            print("\(n) dead deliveries deleted")
        }
    }
}
