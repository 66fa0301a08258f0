/// Runs `work`; throws `message` as an error when it takes longer than
/// `timeout`, or `CancellationError` when the caller is cancelled.
///
/// Returns at the deadline even if `work` does not end when cancelled (a
/// query waiting on a connection that will not come back): the work goes
/// on in its own task, cancelled, and its result is dropped. A task group
/// would wait for it.
func withDeadline<T: Sendable>(
    _ timeout: Duration, _ message: String, _ work: @escaping @Sendable () async throws -> T
) async throws -> T {
    let once = ResumeOnce<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            once.set(continuation)
            let worker = Task {
                do { once.resume(.success(try await work())) } catch { once.resume(.failure(error)) }
            }
            let timer = Task {
                try? await Task.sleep(for: timeout)
                if once.resume(.failure(PostgresDeliveryStore.Failure(description: message))) { worker.cancel() }
            }
            once.onResume {
                timer.cancel()
                worker.cancel()
            }
        }
    } onCancel: {
        once.cancel()
    }
}
