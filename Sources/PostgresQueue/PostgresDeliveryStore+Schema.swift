import Logging
import PostgresNIO

extension PostgresDeliveryStore {
    /// The schema, as append-only migrations: a released one is never
    /// changed; a change is a new one. `callhook_schema` records which ran.
    static let migrations: [(version: Int, name: String, sql: [String])] = [
        (
            1, "deliveries, attempts, captured call variables, claims, instances",
            [
                """
                CREATE TABLE delivery (
                    seq BIGSERIAL PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    rule TEXT NOT NULL,
                    target TEXT NOT NULL,
                    phase TEXT NOT NULL,
                    call_id TEXT NOT NULL,
                    order_key TEXT NOT NULL,
                    method TEXT NOT NULL,
                    url TEXT NOT NULL,
                    headers BYTEA NOT NULL,
                    body BYTEA,
                    body_escaping TEXT NOT NULL,
                    uses_call_vars BOOLEAN NOT NULL,
                    capture BYTEA NOT NULL,
                    event_time BIGINT NOT NULL,
                    created_at BIGINT NOT NULL,
                    status TEXT NOT NULL,
                    attempts BIGINT NOT NULL,
                    next_attempt_at BIGINT NOT NULL,
                    last_status BIGINT,
                    last_error TEXT,
                    finished_at BIGINT,
                    late_bound BYTEA,
                    lease_owner TEXT,
                    lease_until BIGINT
                )
                """,
                "CREATE INDEX delivery_pending_by_target ON delivery (target, seq) WHERE status = 'pending'",
                "CREATE INDEX delivery_pending_by_order ON delivery (order_key, seq) WHERE status = 'pending'",
                "CREATE INDEX delivery_pending_by_time ON delivery (next_attempt_at) WHERE status = 'pending'",
                "CREATE INDEX delivery_leased ON delivery (lease_owner) WHERE lease_owner IS NOT NULL",
                "CREATE INDEX delivery_finished ON delivery (status, finished_at)",
                "CREATE INDEX delivery_by_call ON delivery (call_id)",
                """
                CREATE TABLE attempt (
                    id BIGSERIAL PRIMARY KEY,
                    delivery_id TEXT NOT NULL REFERENCES delivery (id) ON DELETE CASCADE,
                    n BIGINT NOT NULL,
                    started_at BIGINT NOT NULL,
                    duration DOUBLE PRECISION NOT NULL,
                    status BIGINT,
                    error TEXT,
                    response BYTEA NOT NULL
                )
                """,
                "CREATE INDEX attempt_by_delivery ON attempt (delivery_id, id)",
                """
                CREATE TABLE call_var (
                    call_id TEXT NOT NULL,
                    name TEXT NOT NULL,
                    value TEXT NOT NULL,
                    updated_at BIGINT NOT NULL,
                    PRIMARY KEY (call_id, name)
                )
                """,
                "CREATE INDEX call_var_updated ON call_var (updated_at)",
                "CREATE TABLE instance (id TEXT PRIMARY KEY, seen_at BIGINT NOT NULL)",
            ]
        )
    ]

    /// The database's clock in epoch milliseconds: leases and heartbeats
    /// use it, so the instances' clocks need not agree.
    static let databaseNow = "(extract(epoch from clock_timestamp()) * 1000)::bigint"

    /// Runs the migrations not yet applied, one transaction each, under an
    /// advisory lock (instances starting together migrate once). Refuses a
    /// schema newer than this version knows.
    static func migrate(
        configuration: PostgresClient.Configuration, url: PostgresQueueURL, timeout: Duration, logger: Logger,
        queryLogger: Logger
    ) async throws {
        let client = PostgresClient(configuration: configuration, backgroundLogger: queryLogger)
        let known = migrations.map(\.version).max() ?? 0
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await client.run() }
                defer { group.cancelAll() }
                try await withDeadline(timeout, "cannot reach the delivery queue database (\(url)) within \(timeout)") {
                    try await client.withConnection { c in
                        try await c.query("SELECT pg_advisory_lock(4242017)", logger: queryLogger)
                        try await c.query(
                            "CREATE TABLE IF NOT EXISTS callhook_schema (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
                            logger: queryLogger)
                        var applied = Set<Int>()
                        for try await v in try await c.query("SELECT version FROM callhook_schema", logger: queryLogger).decode(
                            Int.self)
                        {
                            applied.insert(v)
                        }
                        if let newest = applied.max(), newest > known {
                            throw Failure(
                                description: "the delivery queue database (\(url)) has schema version \(newest), newer than this "
                                    + "callhook knows (\(known)); use that version of callhook, this one does not touch it")
                        }
                        for m in migrations where !applied.contains(m.version) {
                            try await c.query("BEGIN", logger: queryLogger)
                            do {
                                for sql in m.sql { try await c.query(PostgresQuery(unsafeSQL: sql), logger: queryLogger) }
                                try await c.query(
                                    "INSERT INTO callhook_schema (version, name) VALUES (\(m.version), \(m.name))",
                                    logger: queryLogger
                                )
                                try await c.query("COMMIT", logger: queryLogger)
                            } catch {
                                _ = try? await c.query("ROLLBACK", logger: queryLogger)
                                throw error
                            }
                            logger.info("delivery queue schema migrated", metadata: ["version": "\(m.version)"])
                        }
                        try await c.query("SELECT pg_advisory_unlock(4242017)", logger: queryLogger)
                    }
                }
            }
        } catch let e as PSQLError {
            throw Failure(description: describe(e, url: url), sqlState: e.serverInfo?[.sqlState])
        }
    }
}
