/// The group commit under way (the dispatcher runs one at a time, while
/// its loop goes on settling and starting requests): what it writes, and
/// the `submit` calls waiting for it.
struct CommitFlight {
    var batch: StoreBatch
    /// Positions in `batch.inserts` of `submit` calls: their callers try
    /// again themselves when the commit fails, so these are not kept.
    var waited: [Range<Int>]
    /// `submit` and `flush` callers, answered when the commit lands.
    var waiters: [CheckedContinuation<Void, any Error>]
    /// `DispatchState.marksEpoch` when the commit was planned.
    var marksEpoch: Int
}
