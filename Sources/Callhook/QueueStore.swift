import Calls
import Delivery
import Logging
import PostgresQueue
import RuleEngine
import ServiceLifecycle

/// The delivery queue a configuration names: the SQLite file under the data
/// directory (the default) or a PostgreSQL database shared by instances.
public struct QueueStore: Sendable {
    public let store: any DeliveryStore
    /// The PostgreSQL store's pool and lease upkeep, or SQLite's
    /// checkpointer (none for a read-only queue): a service that must
    /// outlive the dispatcher.
    public let service: (any Service)?
    /// Where the queue is, for logs (no password).
    public let location: String
    /// Why the queue is not ready, for `/readyz`; nil when it is.
    public let unavailable: @Sendable () async -> String?

    /// Opens (and migrates) the queue of `config`.
    public static func open(
        _ config: DaemonConfig, clock: PipelineClock, logger: Logger, readOnly: Bool = false
    ) async throws -> QueueStore {
        if let path = config.queuePath {
            let store = try SQLiteDeliveryStore(path: path, readOnly: readOnly, checkpointsApart: !readOnly, clock: clock)
            let checkpointer = readOnly ? nil : SQLiteCheckpointer(path: path, logger: logger)
            return QueueStore(store: store, service: checkpointer, location: path) {
                await store.isWritable() ? nil : "the delivery queue is not writable"
            }
        }
        let store = try await PostgresDeliveryStore(
            url: config.queueURL ?? "", lease: config.queueLease, logger: logger, clock: clock, migrate: !readOnly)
        return QueueStore(store: store, service: store, location: store.url.description) { store.unavailableReason }
    }

    /// For a command that runs to its end (`callhook queue …`): the
    /// PostgreSQL pool runs until the process exits.
    public func startForCommand() {
        if let store = store as? PostgresDeliveryStore { store.startPool() }
    }
}
