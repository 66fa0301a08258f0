/// Runs `work`; throws `message` as an error when it takes longer than
/// `timeout` (the work is cancelled).
func withDeadline<T: Sendable>(
    _ timeout: Duration, _ message: String, _ work: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await work() }
        group.addTask {
            try await Task.sleep(for: timeout)
            throw PostgresDeliveryStore.Failure(description: message)
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}
