/// The test process's one shared `PostgresCluster`, started by the first
/// test that asks for it.
actor SharedCluster {
    static let instance = SharedCluster()
    private var starting: Task<PostgresCluster, any Error>?

    func get() async throws -> PostgresCluster {
        if let starting { return try await starting.value }
        let task = Task { try await PostgresCluster.start() }
        starting = task
        return try await task.value
    }
}
