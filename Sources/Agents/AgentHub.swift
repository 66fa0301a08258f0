import Calls
import Logging
import Metrics
import Synchronization

/// Fans agent events out to connected agents, and knows what is ringing now.
///
/// - `publish` is called by the pipeline on its hot path: it never waits.
///   Each agent has a bounded buffer; an agent whose buffer is full is
///   disconnected (its stream finishes, reason `overflow`) and everybody
///   else carries on. Its EventSource reconnects and gets what still rings.
/// - `subscribe` gives an agent its stream of SSE frames: `retry:` first,
///   then a `ring` for every leg of its scope that rings right now
///   (ring-on-connect, so a page reloaded mid-ring rings again), then live
///   events of its scope only.
/// - Every event gets the next `id:`, increasing over the hub's life; a
///   ring replayed on connect keeps its original id, so ids on one stream
///   always increase.
/// - `heartbeat()` writes `: keepalive` to every agent and drops ringing
///   legs that never ended; `runHeartbeats` calls it every 15 s.
///
/// All state is behind one Mutex; frames are yielded to `AsyncStream`s
/// under it (a yield only appends or resumes, it never waits) so every
/// stream sees ids in order. Streams are finished outside the lock because
/// finishing runs their termination handler, which takes the lock.
public final class AgentHub: Sendable {
    /// Bounds and timings; the defaults are the daemon's.
    public struct Configuration: Sendable {
        /// Frames buffered per agent before it counts as too slow.
        public var bufferCapacity: Int
        /// Most legs remembered as ringing; the oldest goes first.
        public var ringingCapacity: Int
        /// A ringing leg with no `answered`/`ended` for this long is forgotten
        /// (like `calls.max_ring`).
        public var ringExpiry: Duration
        public var heartbeatInterval: Duration
        /// The `retry:` hint, how long a client waits before reconnecting.
        public var retry: Duration

        public init(
            bufferCapacity: Int = 256, ringingCapacity: Int = 10_000, ringExpiry: Duration = .seconds(600),
            heartbeatInterval: Duration = .seconds(15), retry: Duration = .seconds(3)
        ) {
            self.bufferCapacity = max(2, bufferCapacity)
            self.ringingCapacity = max(1, ringingCapacity)
            self.ringExpiry = ringExpiry
            self.heartbeatInterval = heartbeatInterval
            self.retry = retry
        }
    }

    /// Why an agent's stream ended (`callhook_agent_disconnects_total{reason}`).
    public enum DisconnectReason: String, Sendable, Hashable, CaseIterable {
        /// Its buffer was full: it did not read fast enough.
        case overflow
        /// The agent went away (the server cancelled its stream).
        case client
        /// The hub shut down.
        case shutdown
    }

    /// Counters for tests and for the wiring (the same values go to
    /// swift-metrics as `callhook_agents_connected`,
    /// `callhook_agent_events_total{event}`,
    /// `callhook_agent_disconnects_total{reason}`).
    public struct Statistics: Sendable, Hashable {
        public var connected: Int
        public var events: [AgentEvent.Kind: Int]
        public var disconnects: [DisconnectReason: Int]
        /// Legs ringing now.
        public var ringing: Int
    }

    struct Subscriber {
        var scope: AgentScope
        var continuation: AsyncStream<String>.Continuation
    }

    struct RingingLeg {
        var id: UInt64
        var frame: String
        /// Monotonic nanoseconds.
        var expires: Int64
    }

    /// A scope entry in the index: (customer or nil for "any", extension).
    struct IndexKey: Hashable {
        var customer: String?
        var `extension`: String
    }

    struct State {
        var lastEventID: UInt64 = 0
        var lastSubscriberID: UInt64 = 0
        var subscribers: [UInt64: Subscriber] = [:]
        var index: [IndexKey: Set<UInt64>] = [:]
        var ringing: [LegKey: RingingLeg] = [:]
        var events: [AgentEvent.Kind: Int] = [:]
        var disconnects: [DisconnectReason: Int] = [:]
        var closed = false
    }

    /// What a locked step found out, acted on after the lock is released.
    struct Aftermath {
        var finish: [AsyncStream<String>.Continuation] = []
        var disconnected: [DisconnectReason: Int] = [:]
        var evictedRinging = 0
        /// The new number of agents, when it changed.
        var connected: Int?
    }

    public let configuration: Configuration
    let clock: PipelineClock
    let logger: Logger
    let state = Mutex(State())
    let metrics: AgentMetrics

    public init(configuration: Configuration = Configuration(), clock: PipelineClock = .system, logger: Logger) {
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.metrics = AgentMetrics()
    }

    /// Sends an event to every agent whose scope holds its (customer,
    /// extension), and updates what is ringing now. Never waits.
    public func publish(_ event: AgentEvent) {
        let data = event.json
        let now = clock.monotonicNanoseconds()
        let after = state.withLock { s -> Aftermath in
            var after = Aftermath()
            s.lastEventID += 1
            let id = s.lastEventID
            let frame = SSEFrame.event(id: id, name: event.kind.rawValue, data: data)
            s.events[event.kind, default: 0] += 1
            switch event.kind {
            case .ring:
                after.evictedRinging = Self.remember(
                    event.leg, RingingLeg(id: id, frame: frame, expires: now + configuration.ringExpiry.nanoseconds),
                    in: &s, now: now, capacity: configuration.ringingCapacity)
            case .answered, .ended:
                s.ringing[event.leg] = nil
            }
            var targets = s.index[IndexKey(customer: event.customer, extension: event.extension)] ?? []
            targets.formUnion(s.index[IndexKey(customer: nil, extension: event.extension)] ?? [])
            for sid in targets { Self.send(frame, to: sid, in: &s, after: &after) }
            return after
        }
        metrics.event(event.kind)
        settle(after)
    }

    /// A stream of SSE frames for an agent with this scope. It ends when the
    /// agent is too slow (`overflow`), when the hub shuts down, or when the
    /// consumer stops iterating (then the agent is removed, reason `client`).
    public func subscribe(scope: AgentScope) -> AgentSubscription {
        let (stream, continuation) = AsyncStream<String>.makeStream(
            bufferingPolicy: .bufferingOldest(configuration.bufferCapacity))
        let sid = state.withLock { s -> UInt64 in
            s.lastSubscriberID += 1
            return s.lastSubscriberID
        }
        continuation.onTermination = { [weak self] _ in self?.remove(sid, reason: .client) }
        let now = clock.monotonicNanoseconds()
        let retryMilliseconds = Int(configuration.retry.nanoseconds / 1_000_000)
        let after = state.withLock { s -> Aftermath? in
            guard !s.closed else { return nil }
            s.subscribers[sid] = Subscriber(scope: scope, continuation: continuation)
            for ext in scope.extensions { s.index[IndexKey(customer: scope.customer, extension: ext), default: []].insert(sid) }
            var after = Aftermath()
            after.connected = s.subscribers.count
            Self.send(SSEFrame.retry(milliseconds: retryMilliseconds), to: sid, in: &s, after: &after)
            let ringingNow = s.ringing.filter { leg, ringing in
                ringing.expires > now && scope.contains(customer: leg.customer, extension: leg.extension)
            }
            for (_, ringing) in ringingNow.sorted(by: { $0.value.id < $1.value.id }) {
                Self.send(ringing.frame, to: sid, in: &s, after: &after)
            }
            return after
        }
        if let after {
            settle(after)
        } else {
            continuation.finish()
        }
        return AgentSubscription(id: sid, stream: stream)
    }

    /// Disconnects one agent (reason `client`) and ends its stream: for a
    /// server whose connection closed without cancelling the reading task.
    public func cancel(_ subscription: AgentSubscription) {
        let after = state.withLock { s -> Aftermath in
            var after = Aftermath()
            if let sub = Self.drop(subscription.id, reason: .client, in: &s, after: &after) {
                after.finish.append(sub.continuation)
            }
            return after
        }
        settle(after)
    }

    /// Ends every agent's stream (reason `shutdown`); later subscriptions
    /// end at once.
    public func shutdown() {
        let after = state.withLock { s -> Aftermath in
            s.closed = true
            var after = Aftermath()
            for sid in Array(s.subscribers.keys) {
                if let sub = Self.drop(sid, reason: .shutdown, in: &s, after: &after) { after.finish.append(sub.continuation) }
            }
            return after
        }
        settle(after)
    }

    /// The current counters.
    public var statistics: Statistics {
        state.withLock { s in
            Statistics(connected: s.subscribers.count, events: s.events, disconnects: s.disconnects, ringing: s.ringing.count)
        }
    }

    /// Removes an agent (its stream was cancelled or finished). Idempotent.
    func remove(_ sid: UInt64, reason: DisconnectReason) {
        let after = state.withLock { s -> Aftermath in
            var after = Aftermath()
            _ = Self.drop(sid, reason: reason, in: &s, after: &after)
            return after
        }
        settle(after)
    }

    /// Acts on what a locked step decided: finishes streams, updates metrics, logs.
    func settle(_ after: Aftermath) {
        for continuation in after.finish { continuation.finish() }
        if let connected = after.connected { metrics.connected(connected) }
        for (reason, count) in after.disconnected {
            metrics.disconnected(reason, count: count)
            if reason == .overflow {
                logger.notice(
                    "agent too slow, disconnected",
                    metadata: ["agents": "\(count)", "buffer": "\(configuration.bufferCapacity)"])
            }
        }
        if after.evictedRinging > 0 {
            logger.warning(
                "ringing table full, forgot the oldest ringing legs",
                metadata: ["legs": "\(after.evictedRinging)", "capacity": "\(configuration.ringingCapacity)"])
        }
    }
}
