import ArgumentParser
import Callhook
import Calls
import Delivery
import Foundation
import RuleEngine

/// `callhook queue …`: inspect and repair the delivery queue, also while
/// the daemon runs (SQLite lets both open the file).
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

        func open(readOnly: Bool = false) throws -> (SQLiteDeliveryStore, DaemonConfig) {
            var settings = try ConfigFile.load(config, missingEnvironment: .placeholder)
            if let data {
                settings.data = data
                settings.queueURL = nil
            }
            guard let path = settings.queuePath else {
                throw CommandFailure.invalidInput("[queue] url: only a SQLite queue can be opened by this version")
            }
            guard FileManager.default.fileExists(atPath: path) else {
                throw CommandFailure.invalidInput(
                    "no delivery queue at \(path); give the daemon's --data DIR or --config FILE")
            }
            do {
                return (try SQLiteDeliveryStore(path: path, readOnly: readOnly), settings)
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
            let (store, _) = try location.open(readOnly: true)
            let counts = try await store.counts()
            for s in DeliveryStatus.allCases {
                print("\(s.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0))\(counts[s] ?? 0)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deliveries, newest first.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var location: Location
        @Option(help: "Only this status: pending, delivered or dead.") var status: String?
        @Option(help: "At most this many.") var limit: Int = 50

        func run() async throws {
            var filter: DeliveryStatus?
            if let status {
                guard let s = DeliveryStatus(rawValue: status) else {
                    throw CommandFailure.usage("--status: expected pending, delivered or dead, got \(status)")
                }
                filter = s
            }
            let (store, _) = try location.open(readOnly: true)
            let rows = try await store.list(status: filter, limit: max(1, limit))
            if rows.isEmpty {
                print("no deliveries")
                return
            }
            for d in rows {
                var line =
                    "\(d.id)  \(d.status.rawValue)  target=\(d.target) rule=\(d.rule) phase=\(d.phase) attempts=\(d.attempts)"
                if let s = d.lastStatus { line += " status=\(s)" }
                if let e = d.lastError { line += " error=\"\(e)\"" }
                line += " created=\(QueueText.time(d.createdAt))"
                if d.status == .pending && d.nextAttemptAt > d.createdAt { line += " next=\(QueueText.time(d.nextAttemptAt))" }
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
            let (store, settings) = try location.open(readOnly: true)
            guard let (d, attempts) = try await store.delivery(id: id) else {
                throw CommandFailure.invalidInput("no delivery with id \(id)")
            }
            let mask = QueueText.masker(settings: settings)
            print(QueueText.describe(d, attempts: attempts, mask: mask))
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Queue deliveries again with a fresh set of attempts: by id, or every dead one (--dead).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var location: Location
        @Flag(help: "Every dead delivery.") var dead = false
        @Argument(help: "Delivery ids.") var ids: [String] = []

        func validate() throws {
            if dead == !ids.isEmpty { throw ValidationError("give delivery ids or --dead, not both and not neither") }
        }

        func run() async throws {
            let (store, _) = try location.open()
            let now = WallClock.now().nanoseconds / 1_000_000
            let n = dead ? try await store.retryDead(now: now) : try await store.retry(ids: ids, now: now)
            print("\(n) deliveries queued again")
            if !dead && n < ids.count { throw CommandFailure.invalidInput("\(ids.count - n) of the ids were not found") }
        }
    }

    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete dead deliveries.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var location: Location
        @Flag(help: "Dead deliveries (the only kind purged).") var dead = false
        @Option(help: "Only those dead for longer than this, e.g. 7d.") var olderThan: String?

        func validate() throws {
            if !dead { throw ValidationError("purge deletes dead deliveries only: say --dead") }
        }

        func run() async throws {
            var before: Int64?
            if let olderThan {
                guard let d = DurationText.parse(olderThan) else {
                    throw CommandFailure.usage("--older-than: expected a duration like 7d, got \(olderThan)")
                }
                before = WallClock.now().nanoseconds / 1_000_000 - d.components.seconds * 1000
            }
            let (store, _) = try location.open()
            let n = try await store.purgeDead(before: before)
            print("\(n) dead deliveries deleted")
        }
    }
}
