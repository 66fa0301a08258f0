import Synchronization

extension NativeAgent {
    /// The `--exec` commands running now, by leg (call and extension).
    final class RunningCommands: Sendable {
        private let running = Mutex([String: RingCommand]())

        func isRunning(_ key: String) -> Bool { running.withLock { $0[key] != nil } }

        func add(_ key: String, _ command: RingCommand) { running.withLock { $0[key] = command } }

        func stop(_ key: String) { running.withLock { $0.removeValue(forKey: key) }?.stop() }

        func stopAll() {
            let all = running.withLock { r in
                defer { r.removeAll() }
                return Array(r.values)
            }
            for c in all { c.stop() }
        }
    }

    /// When the stream last delivered a byte (monotonic).
    final class LastActivity: Sendable {
        private let last = Mutex(ContinuousClock.now)

        func touch() { last.withLock { $0 = ContinuousClock.now } }

        func silence() -> Duration { ContinuousClock.now - last.withLock { $0 } }
    }
}
