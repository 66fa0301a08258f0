import Calls
import Foundation
import GRDB
import RuleEngine

/// The durable queue in one SQLite file (WAL), through GRDB.
///
/// Several processes may open the same file: the daemon and
/// `callhook queue` run side by side. Writes wait up to 5 s for the file's
/// write lock.
///
/// Durability: WAL with `synchronous = NORMAL`. A committed batch survives
/// the process being killed; after a power loss the last batches before it
/// may be lost.
public final class SQLiteDeliveryStore: DeliveryStore {
    let pool: DatabasePool
    let writeHealth = WriteHealth()
    /// The file, for messages.
    public let path: String
    /// Stamps captured values (`call_var.updated_at`).
    let clock: PipelineClock

    /// Why the queue could not be opened, with what the user can do about it.
    public struct OpenError: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "cannot open the delivery queue \(path): \(reason)" }
    }

    /// Opens (creating when missing) the queue at `path` and brings its
    /// schema up to date. Its directory is created when missing.
    ///
    /// With `readOnly` (the `queue list|show|stats` commands) the file must
    /// exist, is never written and never migrated. Either way a queue whose
    /// schema is newer than this version knows is refused.
    ///
    /// With `checkpointsApart` no commit copies the write-ahead log into the
    /// database file (SQLite's automatic checkpoint, an fsync, made every
    /// commit that crossed 1,000 pages wait tens of milliseconds): an
    /// `SQLiteCheckpointer` running beside the store must do it.
    public init(path: String, readOnly: Bool = false, checkpointsApart: Bool = false, clock: PipelineClock = .system) throws {
        self.path = path
        self.clock = clock
        _ = SQLiteProcessSettings.memoryStatisticsOff
        if !readOnly { try Self.preparePrivateFiles(path: path) }
        var config = Configuration()
        config.busyMode = .timeout(5)
        config.label = "callhook.queue"
        config.readonly = readOnly
        config.prepareDatabase { db in
            if !readOnly { try db.execute(sql: "PRAGMA synchronous = NORMAL") }
            // The checkpointer's connection does the copying instead of the
            // commit that crosses 1,000 pages of write-ahead log.
            if !readOnly && checkpointsApart { try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try Self.checkSchema(pool, path: path, readOnly: readOnly)
            if !readOnly { try Self.migrator.migrate(pool) }
        } catch let e as DatabaseError {
            throw OpenError(path: path, reason: e.message ?? "\(e.resultCode)")
        }
    }

    public func isWritable() async -> Bool { writableWithoutLocking() }

    @discardableResult public func commit(_ batch: StoreBatch) async throws -> Int {
        guard !batch.isEmpty else { return 0 }
        do {
            let skipped = try await write(batch)
            writeHealth.record(success: true)
            return skipped
        } catch {
            writeHealth.record(success: false)
            throw error
        }
    }

    private func write(_ batch: StoreBatch) async throws -> Int {
        try await pool.write { db in try self.apply(batch, to: db) }
    }

    /// The writes of one batch, inside the caller's transaction; returns
    /// how many inserts were skipped (already queued).
    func apply(_ batch: StoreBatch, to db: Database) throws -> Int {
        var unused = AppliedBatch()
        try apply(batch, to: db, fresh: [], probeSuccessors: false, into: &unused)
        return unused.skipped
    }

    /// The writes of one batch. For the targets in `fresh` it also notes
    /// the inserts that may go at once (`AppliedBatch.fresh`); with
    /// `probeSuccessors`, the targets where a finished delivery leaves a
    /// pending one of its order key behind (`unblocked`).
    func apply(
        _ batch: StoreBatch, to db: Database, fresh tracking: Set<String>, probeSuccessors: Bool,
        into out: inout AppliedBatch
    ) throws {
        do {
            if !batch.inserts.isEmpty {
                let insert = try RawStatement(db.cachedStatement(sql: Self.insertSQL))
                let blocked =
                    tracking.isEmpty
                    ? nil
                    : try RawStatement(
                        db.cachedStatement(
                            sql: "SELECT 1 FROM delivery WHERE order_key = ? AND status = 'pending' AND seq < ? LIMIT 1"))
                for d in batch.inserts {
                    Self.bindInsert(d, to: insert)
                    try insert.run(db)
                    if db.changesCount == 0 {
                        out.skipped += 1
                        continue
                    }
                    guard let blocked, tracking.contains(d.target) else { continue }
                    let seq = db.lastInsertedRowID
                    blocked.reset()
                    blocked.bind(1, d.orderKey)
                    blocked.bind(2, seq)
                    if try blocked.next(db) {
                        blocked.rewind()
                        continue
                    }
                    var fresh = d
                    fresh.seq = seq
                    out.fresh[d.target, default: []].append(fresh)
                }
            }
            if !batch.outcomes.isEmpty {
                let update = try RawStatement(
                    db.cachedStatement(
                        sql: """
                            UPDATE delivery SET status = ?, attempts = ?, next_attempt_at = ?, last_status = ?,
                                last_error = ?, finished_at = ? WHERE id = ? AND \(Self.outcomeGuard)
                            """))
                let updateBySeq = try RawStatement(
                    db.cachedStatement(
                        sql: """
                            UPDATE delivery SET status = ?, attempts = ?, next_attempt_at = ?, last_status = ?,
                                last_error = ?, finished_at = ? WHERE seq = ? AND \(Self.outcomeGuard)
                            """))
                let attempt = try RawStatement(
                    db.cachedStatement(
                        sql: """
                            INSERT INTO attempt (delivery_seq, n, started_at, duration, status, error, response)
                            VALUES (?, ?, ?, ?, ?, ?, ?)
                            """))
                // An outcome known by id only (no position).
                let attemptByID = try RawStatement(
                    db.cachedStatement(
                        sql: """
                            INSERT INTO attempt (delivery_seq, n, started_at, duration, status, error, response)
                            SELECT seq, ?, ?, ?, ?, ?, ? FROM delivery WHERE id = ?
                            """))
                for o in batch.outcomes {
                    let seen = Self.attemptsSeen(o)
                    let s = o.seq == nil ? update : updateBySeq
                    s.reset()
                    s.bind(1, o.status.rawValue)
                    s.bind(2, o.attempts)
                    s.bind(3, o.nextAttemptAt)
                    s.bind(4, o.lastStatus)
                    s.bind(5, o.lastError)
                    s.bind(6, o.finishedAt)
                    if let seq = o.seq { s.bind(7, seq) } else { s.bind(7, o.id) }
                    s.bind(8, seen[0])
                    s.bind(9, seen[1])
                    try s.run(db)
                    if probeSuccessors && o.status != .pending {
                        try Self.noteUnblocked(o, db: db, into: &out)
                    }
                    if let a = o.attempt {
                        let (row, key): (RawStatement, Int32) = o.seq == nil ? (attemptByID, 7) : (attempt, 1)
                        let first: Int32 = o.seq == nil ? 1 : 2
                        row.reset()
                        if let seq = o.seq { row.bind(key, seq) } else { row.bind(key, o.id) }
                        row.bind(first, a.number)
                        row.bind(first + 1, a.startedAt)
                        row.bind(first + 2, a.durationSeconds)
                        row.bind(first + 3, a.status)
                        row.bind(first + 4, a.error)
                        row.bind(first + 5, bytes: a.response)
                        try row.run(db)
                    }
                }
            }
            if !batch.callVars.isEmpty {
                let upsert = try db.cachedStatement(
                    sql: "INSERT OR REPLACE INTO call_var (call_id, name, value, updated_at) VALUES (?, ?, ?, ?)")
                let now = clock.wallMilliseconds
                for v in batch.callVars { try upsert.execute(arguments: [v.callID, v.name, v.value, now]) }
            }
        }
    }

    public func due(target: String, now: Int64, limit: Int, skipping: Set<Int64>) async throws -> [Delivery] {
        try await pool.read { db in try Self.due(db, target: target, now: now, limit: limit, skipping: skipping) }
    }

    static func due(_ db: Database, target: String, now: Int64, limit: Int, skipping: Set<Int64>) throws -> [Delivery] {
        try dueRead(db, target: target, now: now, limit: limit, after: nil, skipping: skipping).rows
    }

    /// What is due (past queue position `after`, when given); the last
    /// position the read looked at; and whether it saw every due delivery
    /// of the target there (fewer than `limit`), those in `skipping`
    /// included.
    static func dueRead(
        _ db: Database, target: String, now: Int64, limit: Int, after: Int64?, skipping: Set<Int64>
    ) throws -> (rows: [Delivery], last: Int64?, exhausted: Bool) {
        do {
            if let after { return try dueRows(db, target: target, now: now, limit: limit, after: after, skipping: skipping) }
            // The positions first (from the indexes alone), then whole rows
            // only for deliveries the caller does not hold yet.
            let all = try Int64.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT d.seq FROM delivery AS d
                        WHERE d.target = ? AND d.status = 'pending' AND d.next_attempt_at <= ? AND d.seq > ?
                          AND NOT EXISTS (SELECT 1 FROM delivery AS p
                                          WHERE p.order_key = d.order_key AND p.status = 'pending' AND p.seq < d.seq)
                        ORDER BY d.seq LIMIT ?
                        """), arguments: [target, now, after ?? Int64.min, limit]
            )
            let exhausted = all.count < limit
            let last = all.last
            let seqs = all.filter { !skipping.contains($0) }
            guard !seqs.isEmpty else { return ([], last, exhausted) }
            // One cached statement read once per position, in order.
            let row = try RawStatement(db.cachedStatement(sql: "SELECT \(Self.columns) FROM delivery WHERE seq = ?"))
            var out: [Delivery] = []
            out.reserveCapacity(seqs.count)
            for seq in seqs {
                row.reset()
                row.bind(1, seq)
                if try row.next(db) {
                    out.append(Self.delivery(row))
                    row.rewind()
                }
            }
            return (out, last, exhausted)
        }
    }

    /// `dueRead` past a position: the caller holds nothing there (a mark),
    /// so whole rows are read in one pass, without looking each position
    /// up a second time; one it does hold after all is read and dropped.
    private static func dueRows(
        _ db: Database, target: String, now: Int64, limit: Int, after: Int64, skipping: Set<Int64>
    ) throws -> (rows: [Delivery], last: Int64?, exhausted: Bool) {
        let read = try RawStatement(
            db.cachedStatement(
                sql: """
                    SELECT \(Self.columns) FROM delivery AS d
                    WHERE d.target = ? AND d.status = 'pending' AND d.next_attempt_at <= ? AND d.seq > ?
                      AND NOT EXISTS (SELECT 1 FROM delivery AS p
                                      WHERE p.order_key = d.order_key AND p.status = 'pending' AND p.seq < d.seq)
                    ORDER BY d.seq LIMIT ?
                    """))
        read.reset()
        read.bind(1, target)
        read.bind(2, now)
        read.bind(3, after)
        read.bind(4, limit)
        var out: [Delivery] = []
        out.reserveCapacity(max(0, min(limit, 4096)))
        var seen = 0
        var last: Int64?
        while try read.next(db) {
            seen += 1
            let seq = read.int64(0)
            last = seq
            if !skipping.contains(seq) { out.append(Self.delivery(read)) }
        }
        return (out, last, seen < limit)
    }

    public func pendingTargets() async throws -> [String] {
        try await pool.read { db in try String.fetchAll(db, sql: Self.pendingTargetsSQL) }
    }

    public func nextDue(after now: Int64) async throws -> Int64? {
        try await pool.read { db in try Int64.fetchOne(db, sql: Self.nextDueSQL, arguments: [now]) }
    }

    public func counts() async throws -> [DeliveryStatus: Int] {
        try await pool.read { db in
            var out: [DeliveryStatus: Int] = [.pending: 0, .delivered: 0, .dead: 0]
            for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM delivery GROUP BY status") {
                if let s = DeliveryStatus(rawValue: row["status"]) { out[s] = row["n"] }
            }
            return out
        }
    }

    public func callVars(callID: String) async throws -> [String: String] {
        try await pool.read { db in
            var out: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT name, value FROM call_var WHERE call_id = ?", arguments: [callID]) {
                out[row["name"]] = row["value"]
            }
            return out
        }
    }

    public func list(status: DeliveryStatus?, limit: Int) async throws -> [Delivery] {
        try await pool.read { db in
            if let status {
                return try Self.deliveries(
                    db, sql: "SELECT \(Self.columns) FROM delivery WHERE status = ? ORDER BY seq DESC LIMIT ?",
                    arguments: [status.rawValue, limit])
            }
            return try Self.deliveries(
                db, sql: "SELECT \(Self.columns) FROM delivery ORDER BY seq DESC LIMIT ?", arguments: [limit])
        }
    }

    public func delivery(id: String) async throws -> (Delivery, [Attempt])? {
        try await pool.read { db in
            guard
                let found = try Self.deliveries(
                    db, sql: "SELECT \(Self.columns) FROM delivery WHERE id = ?", arguments: [id]
                ).first
            else {
                return nil
            }
            let attempts = try Row.fetchAll(
                db, sql: "SELECT * FROM attempt WHERE delivery_seq = ? ORDER BY id", arguments: [found.seq]
            ).map { a in
                Attempt(
                    number: a["n"], startedAt: a["started_at"], durationSeconds: a["duration"], status: a["status"],
                    error: a["error"], response: [UInt8]((a["response"] as Data?) ?? Data()))
            }
            return (found, attempts)
        }
    }

    public func retry(ids: [String], now: Int64) async throws -> Int {
        try await pool.write { db in
            var changed = 0
            for id in ids {
                try db.execute(sql: Self.retrySQL + " WHERE id = ?", arguments: [now, id])
                changed += db.changesCount
            }
            return changed
        }
    }

    public func retryDead(now: Int64) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: Self.retrySQL + " WHERE status = 'dead'", arguments: [now])
            return db.changesCount
        }
    }

    public func purgeDead(before: Int64?) async throws -> Int {
        try await pool.write { db in
            try db.execute(
                sql: "DELETE FROM delivery WHERE status = 'dead' AND finished_at < ?", arguments: [before ?? Int64.max])
            return db.changesCount
        }
    }

    public func prune(before: Int64, limit: Int) async throws -> (deliveries: Int, more: Bool) {
        try await pool.write { db in
            try db.execute(
                sql: """
                    DELETE FROM delivery WHERE seq IN (
                        SELECT seq FROM delivery WHERE status IN ('delivered', 'dead') AND finished_at < ? LIMIT ?)
                      AND status IN ('delivered', 'dead') AND finished_at < ?
                    """, arguments: [before, limit, before])
            let n = db.changesCount
            try db.execute(
                sql: "DELETE FROM call_var WHERE rowid IN (SELECT rowid FROM call_var WHERE updated_at < ? LIMIT ?)",
                arguments: [before, limit])
            return (n, n >= limit || db.changesCount >= limit)
        }
    }
}
