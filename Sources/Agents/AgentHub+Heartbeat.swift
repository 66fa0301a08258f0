extension AgentHub {
    /// Writes `: keepalive` to every agent and forgets ringing legs past
    /// their expiry. Called every `heartbeatInterval` by `runHeartbeats`;
    /// tests call it directly.
    public func heartbeat() {
        let now = clock.monotonicNanoseconds()
        let after = state.withLock { s -> Aftermath in
            var after = Aftermath()
            Self.pruneExpired(in: &s, now: now)
            for sid in Array(s.subscribers.keys) { Self.send(SSEFrame.keepalive, to: sid, in: &s, after: &after) }
            return after
        }
        settle(after)
    }

    /// Calls `heartbeat()` every `configuration.heartbeatInterval` on
    /// `clock` until the task is cancelled (for the daemon's service group).
    public func runHeartbeats<C: Clock>(clock: C) async where C.Duration == Duration {
        while !Task.isCancelled {
            do {
                try await clock.sleep(for: configuration.heartbeatInterval)
            } catch {
                return
            }
            heartbeat()
        }
    }

    /// `runHeartbeats` on the continuous clock.
    public func runHeartbeats() async { await runHeartbeats(clock: ContinuousClock()) }
}
