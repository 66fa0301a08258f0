import Synchronization

/// Whether this process's last write to the queue succeeded, for `/readyz`.
///
/// Readiness must not take the queue's write lock: another process
/// (`callhook queue retry`, a backup) may hold it for seconds and `/readyz`
/// would hang behind it. The daemon's own commits already say whether the
/// queue can be written.
final class WriteHealth: Sendable {
    private let failed = Atomic<Bool>(false)

    var lastWriteFailed: Bool { failed.load(ordering: .relaxed) }

    func record(success: Bool) { failed.store(!success, ordering: .relaxed) }
}
