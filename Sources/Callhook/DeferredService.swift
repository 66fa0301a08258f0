import ServiceLifecycle

/// A service whose work is a closure (for parts that must wait for others).
struct DeferredService: Service {
    let body: @Sendable () async throws -> Void
    init(_ body: @escaping @Sendable () async throws -> Void) { self.body = body }
    func run() async throws { try await body() }
}
