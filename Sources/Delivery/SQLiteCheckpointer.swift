import GRDB
import Logging
import ServiceLifecycle

/// Copies the queue's write-ahead log into the database file once a second,
/// on a connection of its own, so that no commit waits for it (the store is
/// opened with `checkpointsApart`).
///
/// Passive checkpoints never wait for the writer or for readers: the writer
/// keeps appending while frames are copied, and starts the log from the
/// beginning again once everything in it has been copied. The log stays
/// about one second of writes long.
public struct SQLiteCheckpointer: Service {
    let path: String
    let interval: Duration
    let logger: Logger

    public init(path: String, interval: Duration = .seconds(1), logger: Logger) {
        self.path = path
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        _ = SQLiteProcessSettings.memoryStatisticsOff
        var config = Configuration()
        config.busyMode = .timeout(1)
        config.label = "callhook.queue.checkpoint"
        let connection = try DatabaseQueue(path: path, configuration: config)
        // Until graceful shutdown: the last connection to close copies the rest.
        await cancelWhenGracefulShutdown {
            var failing = false
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return
                }
                do {
                    _ = try await connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }
                    if failing { logger.notice("the queue's write-ahead log is copied again") }
                    failing = false
                } catch {
                    // Once per failure streak: the log grows until it works again.
                    if !failing {
                        logger.warning(
                            "cannot copy the queue's write-ahead log into the database; it grows until this works",
                            metadata: ["error": "\(error)"])
                    }
                    failing = true
                }
            }
        }
    }
}
