import UnixSignals

extension NativeAgent {
    /// Runs until SIGTERM or SIGINT (returns normally: exit status 0) or
    /// until the token is rejected (throws).
    public func runUntilSignalled() async throws(Failure) {
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        let outcome: Failure? = await withTaskGroup(of: Failure?.self) { group in
            group.addTask {
                do {
                    try await run()
                    return nil
                } catch let failure as Failure {
                    return failure
                } catch {
                    return nil
                }
            }
            group.addTask {
                for await _ in signals { return nil }
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        if let outcome { throw outcome }
    }
}
