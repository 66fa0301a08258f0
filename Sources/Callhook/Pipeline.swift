import Agents
import Calls
import Delivery
import Feeds
import Logging
import RuleEngine

/// Events in, requests out: the engine between a source and the dispatcher.
///
/// An actor, so the engine's state (call legs, line states) is only ever
/// touched by one event at a time, in arrival order.
public actor Pipeline: EventSink {
    var engine: CallEngine
    let dispatcher: Dispatcher
    let logger: Logger
    public nonisolated let stats = PipelineStats()
    /// Silent legs and retention: see Pipeline+Reconcile.swift.
    var lastSweep = EventTime(nanoseconds: 0)
    var reconcileMetrics = ReconcileMetrics()
    var metrics: PipelineMetrics
    /// Called with each engine result (the demo prints nothing from here;
    /// tests and `callhook run` logging use it).
    private let observer: (@Sendable (EngineResult) -> Void)?
    /// The engine's `now`.
    let clock: PipelineClock
    /// While an ingest batch runs: its requests, submitted together at its
    /// end (Pipeline+Ingest.swift).
    var collecting: [RenderedRequest]?
    /// Where `ring`/`answered`/`ended` go (`Pipeline+Agents.swift`); nil: no agents.
    var agentHub: AgentHub?
    /// Caller lookup: the service and the events parked behind a lookup.
    var lookups: PipelineLookups

    /// - Parameter source: the source's name in metrics (`simulator`, `ingest`);
    ///   nil when the sources are counted by `AccountSink`s (NFON accounts).
    public init(
        rules: RuleSet, dispatcher: Dispatcher, logger: Logger, source: String? = "nfon",
        observer: (@Sendable (EngineResult) -> Void)? = nil, clock: PipelineClock = .system,
        lookup: PipelineLookups.Factory? = nil
    ) {
        self.clock = clock
        self.lookups = PipelineLookups(factory: lookup, rules: rules.lookup)
        self.engine = CallEngine(rules: rules, deliveryID: DeliveryID.derived)
        self.metrics = PipelineMetrics(source: source)
        self.dispatcher = dispatcher
        self.logger = logger
        self.observer = observer
    }

    /// Applies a new rule set; calls in progress keep their state.
    public func replaceRules(_ rules: RuleSet) {
        engine.replaceRules(rules)
        dispatcher.updateTargets(rules.targets)
        lookups.update(rules.lookup)
    }

    public func receive(_ event: SourceEvent) async {
        switch event {
        case .call(let call, let arrival):
            await sweepIfDue()
            stats.eventsCount.add(1, ordering: .relaxed)
            if park(call, arrival: arrival) { return }
            await process(call, arrival: arrival)
        case .line(let state, let snapshot, let arrival):
            stats.eventsCount.add(1, ordering: .relaxed)
            if let result = engine.process(line: state, snapshot: snapshot, arrival: arrival, now: clock.wallTime()) {
                await handle(result)
            }
        case .directory(let d, let customer):
            engine.setDirectory(d, customer: customer)
        case .connected(let up):
            // The source says `false` each time it is about to reconnect.
            stats.connectedFlag.store(up, ordering: .relaxed)
            metrics.connection(up: up)
            if !up { stats.reconnectsCount.add(1, ordering: .relaxed) }
        case .error(let kind):
            stats.sourceErrorsCount.add(1, ordering: .relaxed)
            metrics.error(kind: kind)
        case .reconcile(let snapshot):
            await reconcile(snapshot)
        }
    }

    /// Runs one call event through the engine and queues what it renders.
    func process(_ call: CallEvent, arrival: EventTime) async {
        let before = engine.tracker.legCount
        let late = engine.tracker.lateHangupCount
        let results = engine.process(call, arrival: arrival, now: clock.wallTime())
        if engine.tracker.legCount > before { stats.callsCount.add(1, ordering: .relaxed) }
        if engine.tracker.lateHangupCount > late { noteLateHangup(call) }
        for r in results { await handle(r) }
    }

    /// Queues the result's requests (`Pipeline+Queue.swift`): an ingest
    /// batch waits for their commit, a stream's events are committed in
    /// groups while the stream reads on.
    func handle(_ result: EngineResult) async {
        stats.phasesCount.add(1, ordering: .relaxed)
        stats.matchesCount.add(result.matchedRules.count, ordering: .relaxed)
        metrics.event(phase: result.phase.rawValue)
        for rule in result.matchedRules { metrics.match(rule: rule) }
        publishToAgents(result)
        if !result.requests.isEmpty { await queue(result.requests) }
        observer?(result)
    }

    /// Call legs that have not ended.
    public func activeLegs() -> [CallLeg] { engine.tracker.activeLegs }
}
