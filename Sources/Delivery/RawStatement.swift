import CSQLite
import Foundation
import GRDB

/// One of GRDB's cached statements driven through SQLite's C API: values
/// are bound and read by position with no `StatementArguments` or `Row`
/// in between. Used for the queue's per-delivery statements (insert,
/// outcome, attempt row, the due rows), where GRDB's generic binding and
/// decoding cost more than SQLite's own work (docs/benchmarks.md). Errors
/// are GRDB's `DatabaseError`, as from any other statement; a value SQLite refuses
/// to bind (too big) fails the statement's next step, never silently.
final class RawStatement {
    let statement: Statement
    private var handle: OpaquePointer { statement.sqliteStatement }
    /// The first bind SQLite refused since the last `reset()`.
    private var bindFailure = SQLITE_OK

    init(_ statement: Statement) {
        self.statement = statement
    }

    private func check(_ code: Int32) {
        if code != SQLITE_OK && bindFailure == SQLITE_OK { bindFailure = code }
    }

    /// Rewinds the statement (a query read only partly).
    func rewind() { sqlite3_reset(handle) }

    /// Clears the previous bindings and rewinds the statement.
    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        bindFailure = SQLITE_OK
    }

    // MARK: Binding (positions start at 1)

    func bind(_ i: Int32, _ value: String) {
        // SQLITE_TRANSIENT: SQLite copies the bytes before this returns.
        // Length -1: the text ends at a NUL, as GRDB binds it (so a filter
        // bound through GRDB finds what was stored here).
        value.withCString { p in check(sqlite3_bind_text(handle, i, p, -1, Self.transient)) }
    }

    func bind(_ i: Int32, _ value: String?) {
        if let value { bind(i, value) } else { check(sqlite3_bind_null(handle, i)) }
    }

    func bind(_ i: Int32, _ value: Int64) { check(sqlite3_bind_int64(handle, i, value)) }

    func bind(_ i: Int32, _ value: Int64?) {
        if let value { check(sqlite3_bind_int64(handle, i, value)) } else { check(sqlite3_bind_null(handle, i)) }
    }

    func bind(_ i: Int32, _ value: Int) { check(sqlite3_bind_int64(handle, i, Int64(value))) }

    func bind(_ i: Int32, _ value: Int?) {
        if let value { check(sqlite3_bind_int64(handle, i, Int64(value))) } else { check(sqlite3_bind_null(handle, i)) }
    }

    func bind(_ i: Int32, _ value: Double) { check(sqlite3_bind_double(handle, i, value)) }

    func bind(_ i: Int32, _ value: Bool) { check(sqlite3_bind_int64(handle, i, value ? 1 : 0)) }

    func bind(_ i: Int32, bytes: [UInt8]?) {
        guard let bytes else {
            check(sqlite3_bind_null(handle, i))
            return
        }
        guard !bytes.isEmpty else {
            // A zero-length blob, not NULL, for an empty body.
            check(sqlite3_bind_zeroblob(handle, i, 0))
            return
        }
        bytes.withUnsafeBytes { p in
            check(sqlite3_bind_blob64(handle, i, p.baseAddress, sqlite3_uint64(p.count), Self.transient))
        }
    }

    func bind(_ i: Int32, data: Data?) {
        bind(i, bytes: data.map { [UInt8]($0) })
    }

    // MARK: Stepping

    /// Runs a statement that returns no rows.
    func run(_ db: Database) throws {
        guard bindFailure == SQLITE_OK else { throw error(bindFailure, db) }
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else { throw error(code, db) }
        sqlite3_reset(handle)
    }

    /// Steps to the next row: true when there is one.
    func next(_ db: Database) throws -> Bool {
        guard bindFailure == SQLITE_OK else { throw error(bindFailure, db) }
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW { return true }
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else { throw error(code, db) }
        return false
    }

    private func error(_ code: Int32, _ db: Database) -> any Error {
        let message = sqlite3_errmsg(db.sqliteConnection).map { String(cString: $0) }
        sqlite3_reset(handle)
        // Only GRDB interrupts a connection here, when the task waiting for
        // it is cancelled: the same `CancellationError` its statements throw.
        if code & 0xFF == SQLITE_INTERRUPT { return CancellationError() }
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
    }

    // MARK: Reading the current row (columns start at 0)

    func isNull(_ c: Int32) -> Bool { sqlite3_column_type(handle, c) == SQLITE_NULL }

    func int64(_ c: Int32) -> Int64 { sqlite3_column_int64(handle, c) }

    func optionalInt64(_ c: Int32) -> Int64? { isNull(c) ? nil : int64(c) }

    func int(_ c: Int32) -> Int { Int(truncatingIfNeeded: int64(c)) }

    func optionalInt(_ c: Int32) -> Int? { isNull(c) ? nil : int(c) }

    func bool(_ c: Int32) -> Bool { int64(c) != 0 }

    func string(_ c: Int32) -> String { optionalString(c) ?? "" }

    func optionalString(_ c: Int32) -> String? {
        guard let text = sqlite3_column_text(handle, c) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, c))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    func bytes(_ c: Int32) -> [UInt8]? {
        if isNull(c) { return nil }
        let count = Int(sqlite3_column_bytes(handle, c))
        guard count > 0, let blob = sqlite3_column_blob(handle, c) else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: blob, count: count))
    }

    /// Tells SQLite to copy bound values (`SQLITE_TRANSIENT`).
    private static var transient: sqlite3_destructor_type { unsafeBitCast(-1, to: sqlite3_destructor_type.self) }
}
