import CSQLite

/// SQLite settings for the whole process, made before its first connection
/// opens (`SQLiteDeliveryStore.init`, the checkpointer).
///
/// Memory statistics off: SQLite counts every allocation it makes under
/// one process-wide mutex unless told not to (Debian's library keeps the
/// default, on). callhook never reads those statistics; a queued request
/// costs about 70 SQLite allocations, and the lock and bookkeeping were
/// 7 % of the queue's time per request (docs/benchmarks.md).
enum SQLiteProcessSettings {
    /// Whether the setting took: false when SQLite was already initialized
    /// by someone else in this process (it then keeps its statistics).
    static let memoryStatisticsOff: Bool = callhook_sqlite_memstatus(0) == SQLITE_OK
}
