import Foundation
import GRDB
import RuleEngine

extension SQLiteDeliveryStore {
    /// The schema, as append-only migrations: a released migration is never
    /// changed; a change is a new one.
    static let migrator: DatabaseMigrator = {
        var m = DatabaseMigrator()
        m.registerMigration("v1: deliveries, attempts, captured call variables") { db in
            try db.execute(
                sql: """
                    CREATE TABLE delivery (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        rule TEXT NOT NULL,
                        target TEXT NOT NULL,
                        phase TEXT NOT NULL,
                        call_id TEXT NOT NULL,
                        order_key TEXT NOT NULL,
                        method TEXT NOT NULL,
                        url TEXT NOT NULL,
                        headers BLOB NOT NULL,
                        body BLOB,
                        body_escaping TEXT NOT NULL,
                        uses_call_vars INTEGER NOT NULL,
                        capture BLOB NOT NULL,
                        event_time INTEGER NOT NULL,
                        created_at INTEGER NOT NULL,
                        status TEXT NOT NULL,
                        attempts INTEGER NOT NULL,
                        next_attempt_at INTEGER NOT NULL,
                        last_status INTEGER,
                        last_error TEXT,
                        finished_at INTEGER
                    );
                    CREATE INDEX delivery_pending_by_target ON delivery (target, seq) WHERE status = 'pending';
                    CREATE INDEX delivery_pending_by_order ON delivery (order_key, seq) WHERE status = 'pending';
                    CREATE INDEX delivery_pending_by_time ON delivery (next_attempt_at) WHERE status = 'pending';
                    CREATE INDEX delivery_finished ON delivery (status, finished_at);
                    CREATE TABLE attempt (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        delivery_id TEXT NOT NULL REFERENCES delivery (id) ON DELETE CASCADE,
                        n INTEGER NOT NULL,
                        started_at INTEGER NOT NULL,
                        duration REAL NOT NULL,
                        status INTEGER,
                        error TEXT,
                        response BLOB NOT NULL
                    );
                    CREATE INDEX attempt_by_delivery ON attempt (delivery_id, id);
                    CREATE TABLE call_var (
                        call_id TEXT NOT NULL,
                        name TEXT NOT NULL,
                        value TEXT NOT NULL,
                        updated_at INTEGER NOT NULL,
                        PRIMARY KEY (call_id, name)
                    );
                    CREATE INDEX call_var_updated ON call_var (updated_at);
                    """)
        }
        m.registerMigration("v2: call.vars slots stored as data") { db in
            try db.execute(sql: "ALTER TABLE delivery ADD COLUMN late_bound BLOB")
        }
        // Delivery ids are hashes: an attempt row keyed by one landed on a
        // random page of two indexes (its own and, for the foreign key, the
        // ids'), which cost a first-try success more than the rest of its
        // writes together (docs/benchmarks.md). By position it is appended.
        m.registerMigration("v3: attempts keyed by the delivery's position") { db in
            try db.execute(
                sql: """
                    CREATE TABLE attempt_v3 (
                        id INTEGER PRIMARY KEY,
                        delivery_seq INTEGER NOT NULL REFERENCES delivery (seq) ON DELETE CASCADE,
                        n INTEGER NOT NULL,
                        started_at INTEGER NOT NULL,
                        duration REAL NOT NULL,
                        status INTEGER,
                        error TEXT,
                        response BLOB NOT NULL
                    );
                    INSERT INTO attempt_v3 (id, delivery_seq, n, started_at, duration, status, error, response)
                        SELECT a.id, d.seq, a.n, a.started_at, a.duration, a.status, a.error, a.response
                        FROM attempt AS a JOIN delivery AS d ON d.id = a.delivery_id;
                    DROP TABLE attempt;
                    ALTER TABLE attempt_v3 RENAME TO attempt;
                    CREATE INDEX attempt_by_delivery ON attempt (delivery_seq, id);
                    """)
        }
        return m
    }()

    static let insertSQL = """
        INSERT INTO delivery (id, rule, target, phase, call_id, order_key, method, url, headers, body,
            body_escaping, uses_call_vars, capture, event_time, created_at, status, attempts, next_attempt_at, late_bound)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO NOTHING
        """

    /// Pending again, with a fresh set of attempts, due at once.
    static let retrySQL = """
        UPDATE delivery SET status = 'pending', attempts = 0, next_attempt_at = ?, finished_at = NULL
        """

    /// Binds a delivery to `insertSQL`'s 19 parameters.
    static func bindInsert(_ d: Delivery, to s: RawStatement) {
        s.reset()
        s.bind(1, d.id)
        s.bind(2, d.rule)
        s.bind(3, d.target)
        s.bind(4, d.phase)
        s.bind(5, d.callID)
        s.bind(6, d.orderKey)
        s.bind(7, d.method)
        s.bind(8, d.url)
        s.bind(9, bytes: encodePairs(d.headers.map { ($0.name, $0.value) }))
        s.bind(10, bytes: d.body)
        s.bind(11, d.bodyEscaping.rawValue)
        s.bind(12, d.usesCallVars)
        s.bind(13, bytes: encodePairs(d.capture.sorted { $0.key < $1.key }))
        s.bind(14, d.eventTime)
        s.bind(15, d.createdAt)
        s.bind(16, d.status.rawValue)
        s.bind(17, d.attempts)
        s.bind(18, d.nextAttemptAt)
        s.bind(19, data: encodeLateBound(d.lateBound))
    }

    /// The columns `delivery(_:)` reads, by position (GRDB looks names up
    /// case-insensitively, which costs more than the rest of the decoding).
    static let columns = """
        seq, id, rule, target, phase, call_id, order_key, method, url, headers, body, body_escaping, uses_call_vars,
        capture, event_time, created_at, status, attempts, next_attempt_at, last_status, last_error, finished_at,
        late_bound
        """

    /// The delivery in the current row of a statement that selects `columns`.
    static func delivery(_ r: RawStatement) -> Delivery {
        let capture = decodePairs(r.bytes(13))
        return Delivery(
            seq: r.int64(0), id: r.string(1), rule: r.string(2), target: r.string(3), phase: r.string(4),
            callID: r.string(5), orderKey: r.string(6), method: r.string(7), url: r.string(8),
            headers: decodePairs(r.bytes(9)).map { (name: $0.0, value: $0.1) }, body: r.bytes(10),
            lateBound: decodeLateBound(r.bytes(22).map { Data($0) }),
            bodyEscaping: Escaping(rawValue: r.string(11)) ?? .none, usesCallVars: r.bool(12),
            capture: Dictionary(capture, uniquingKeysWith: { $1 }), eventTime: r.int64(14), createdAt: r.int64(15),
            status: DeliveryStatus(rawValue: r.string(16)) ?? .pending, attempts: r.int(17), nextAttemptAt: r.int64(18),
            lastStatus: r.optionalInt(19), lastError: r.optionalString(20), finishedAt: r.optionalInt64(21))
    }

    /// The deliveries a query selecting `columns` returns, in its order.
    static func deliveries(_ db: Database, sql: String, arguments: StatementArguments = [], cached: Bool = false) throws
        -> [Delivery]
    {
        let statement = try cached ? db.cachedStatement(sql: sql) : db.makeStatement(sql: sql)
        try statement.setArguments(arguments)
        let raw = RawStatement(statement)
        var out: [Delivery] = []
        while try raw.next(db) { out.append(delivery(raw)) }
        return out
    }

    /// Name/value pairs as one blob: NUL between fields (a NUL inside a
    /// name or value is dropped; HTTP headers cannot carry one anyway).
    static func encodePairs(_ pairs: [(String, String)]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(pairs.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count + 2 })
        for (i, (name, value)) in pairs.enumerated() {
            if i > 0 { out.append(0) }
            for b in name.utf8 where b != 0 { out.append(b) }
            out.append(0)
            for b in value.utf8 where b != 0 { out.append(b) }
        }
        return out
    }

    static func decodePairs(_ bytes: [UInt8]?) -> [(String, String)] {
        guard let bytes, !bytes.isEmpty else { return [] }
        let parts = bytes.split(separator: 0, omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
        return stride(from: 0, to: parts.count - 1, by: 2).map { (parts[$0], parts[$0 + 1]) }
    }
}
