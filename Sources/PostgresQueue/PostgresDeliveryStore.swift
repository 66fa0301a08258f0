import Calls
import Delivery
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// The durable queue in PostgreSQL, shared by several callhook instances
/// (docs/delivery.md, "PostgreSQL").
///
/// The same semantics as `SQLiteDeliveryStore` — group commit, attempt
/// history, retention, dead letters, captured `call.vars`, late-bound
/// workflow ids — plus claims: `due` leases what it returns to this
/// instance (`FOR UPDATE SKIP LOCKED`, `lease`), so that no other instance
/// sends it meanwhile; the lease is renewed while this instance lives and
/// expires when it dies, and a peer then sends the delivery.
///
/// A `Service`: its `run` keeps the connection pool, renews the leases and
/// beats the heartbeat that tells the instances how many share the targets'
/// limits. Every operation gives up after `operationTimeout` (the database
/// may be gone).
public final class PostgresDeliveryStore: DeliveryStore, Service {
    let client: PostgresClient
    public let url: PostgresQueueURL
    let logger: Logger
    /// PostgresNIO's own logging (every query at debug level): errors only.
    let queryLogger: Logger
    /// How long a claim holds a delivery for this instance.
    public let lease: Duration
    /// This process's claims and heartbeat carry it.
    public let instanceID = UUID().uuidString.lowercased()
    let clock: PipelineClock
    let operationTimeout: Duration
    /// Whether the last operation reached the database (for `/readyz`).
    let reachable = Atomic<Bool>(true)
    /// Instances with a fresh heartbeat (this one included).
    let liveInstances = Atomic<Int>(1)

    /// Why the queue could not be opened or used.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        /// The server's SQLSTATE, when the server answered with an error.
        public var sqlState: String? = nil
    }

    /// Connects and brings the schema up to date (`migrate`). Throws when
    /// the database cannot be reached within `startupTimeout` or its schema
    /// is newer than this callhook knows.
    public init(
        url: String, lease: Duration = .seconds(30), logger: Logger, clock: PipelineClock = .system,
        operationTimeout: Duration = .seconds(5), startupTimeout: Duration = .seconds(30), migrate: Bool = true
    ) async throws {
        self.url = try PostgresQueueURL(url)
        self.lease = lease
        self.logger = logger
        self.clock = clock
        self.operationTimeout = operationTimeout
        var quiet = logger
        quiet.logLevel = .error
        queryLogger = quiet
        let configuration = try self.url.configuration()
        client = PostgresClient(configuration: configuration, backgroundLogger: quiet)
        if migrate {
            try await Self.migrate(
                configuration: configuration, url: self.url, timeout: startupTimeout, logger: logger, queryLogger: quiet)
        }
    }

    /// Runs the pool and the lease and heartbeat upkeep until shutdown;
    /// then gives this instance's claims back.
    public func run() async {
        // The pool outlives the upkeep: it runs until cancelled below (a
        // detached task sees no graceful shutdown), so the claims can be
        // given back after the dispatcher stopped.
        let pool = Task.detached { await self.client.run() }
        await withTaskCancellationHandler {
            await cancelWhenGracefulShutdown { await self.upkeep() }
        } onCancel: {
            pool.cancel()
        }
        await releaseClaims()
        pool.cancel()
        await pool.value
    }

    /// Runs the pool alone, until the process exits: for a command that
    /// runs to its end (`callhook queue …`), and for tests.
    public func startPool() {
        Task.detached { await self.client.run() }
    }

    public func isWritable() async -> Bool { reachable.load(ordering: .relaxed) }

    /// Why `/readyz` fails, when it does.
    public var unavailableReason: String? {
        reachable.load(ordering: .relaxed) ? nil : "the delivery queue database (\(url)) cannot be reached"
    }

    @discardableResult public func commit(_ batch: StoreBatch) async throws -> Int {
        guard !batch.isEmpty else { return 0 }
        // A deadlock between two instances inserting the same requests in a
        // different order is retried: the database rolled one back whole.
        return try await retryingConflicts { try await self.transaction { c in try await self.write(batch, on: c) } }
    }

    /// `work`, run again (up to 5 more times) when the database rolled it
    /// back for a deadlock or a serialization conflict with another
    /// instance's transaction.
    func retryingConflicts<T: Sendable>(_ work: @Sendable () async throws -> T) async throws -> T {
        var tries = 0
        while true {
            do {
                return try await work()
            } catch let e as Failure where tries < 5 && ["40P01", "40001"].contains(e.sqlState ?? "") {
                tries += 1
            }
        }
    }

    /// Runs `body` in one transaction on one pooled connection, within
    /// `operationTimeout`.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await bounded {
            try await self.client.withConnection { c in
                try await c.query("BEGIN", logger: self.queryLogger)
                do {
                    let value = try await body(c)
                    try await c.query("COMMIT", logger: self.queryLogger)
                    return value
                } catch {
                    _ = try? await c.query("ROLLBACK", logger: self.queryLogger)
                    throw error
                }
            }
        }
    }

    /// Runs one statement; returns its rows.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await bounded { try await self.client.query(query, logger: self.queryLogger).collect() }
    }

    /// `work` within `operationTimeout`; records whether the database answered.
    func bounded<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) async throws -> T {
        let timeout = operationTimeout
        let url = self.url
        do {
            let value = try await withDeadline(
                timeout, "the delivery queue database (\(url)) did not answer within \(timeout)", work)
            reachable.store(true, ordering: .relaxed)
            return value
        } catch let e as PSQLError {
            // An error the server sent (a constraint, a deadlock) means it is up.
            let fromServer = e.code == .server
            reachable.store(fromServer, ordering: .relaxed)
            throw Failure(description: Self.describe(e, url: url), sqlState: e.serverInfo?[.sqlState])
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            reachable.store(false, ordering: .relaxed)
            throw error
        }
    }

    /// A PostgreSQL error as a user can act on it (never the password).
    static func describe(_ e: PSQLError, url: PostgresQueueURL) -> String {
        if let info = e.serverInfo, let message = info[.message] {
            return "the delivery queue database (\(url)) said: \(message) (SQLSTATE \(info[.sqlState] ?? "?"))"
        }
        if let cause = e.underlying { return "cannot reach the delivery queue database (\(url)): \(cause)" }
        return "cannot reach the delivery queue database (\(url)): \(e.code)"
    }
}
