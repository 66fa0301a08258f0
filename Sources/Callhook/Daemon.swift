import Agents
import Calls
import Curl
import Delivery
import Feeds
import Foundation
import Logging
import Metrics
import PostgresQueue
import Prometheus
import RuleEngine
import Server
import ServiceLifecycle
import Simulator

/// `callhook run`: a source, the pipeline, the durable dispatcher, the
/// rules reloader and the HTTP server, as services of one group that stops
/// on SIGTERM/SIGINT.
public struct Daemon: Sendable {
    public enum Failure: Error, CustomStringConvertible {
        /// The rules or the configuration are invalid (exit status 1).
        case invalid(String)
        /// Something at run time failed (exit status 3).
        case runtime(String)

        public var description: String {
            switch self {
            case .invalid(let s), .runtime(let s): s
            }
        }
    }

    let config: DaemonConfig
    let version: String
    let logger: Logger
    /// The terminal that shows the live summary line (`run` on a terminal).
    public var liveStatus: Console?

    public init(config: DaemonConfig, version: String, logger: Logger) {
        self.config = config
        self.version = version
        self.logger = logger
    }

    /// One registry per process: swift-metrics is bootstrapped once.
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
            .seconds(30), .seconds(60),
        ]
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    public func run() async throws {
        // Every reading of time in the daemon's pipeline, queue and source.
        let clock = PipelineClock.system
        let registry = Self.registry
        let rules: RuleSet
        switch RuleFiles.load(directory: config.rules, missingEnvironment: .error) {
        case .success(let r): rules = r
        case .failure(let e): throw Failure.invalid("the rules in \(config.rules) do not load:\n\(e)")
        }
        for w in rules.warnings { logger.warning("\(w.description)") }
        let queue: QueueStore
        do {
            queue = try await QueueStore.open(config, clock: clock, logger: logger)
        } catch let e as PostgresQueueURL.Invalid {
            throw Failure.invalid(e.description)
        } catch {
            throw Failure.runtime("\(error)")
        }
        let store = queue.store
        guard let address = DurationText.parseAddress(config.listen) else {
            throw Failure.invalid("[server] listen: expected host:port, got \(config.listen)")
        }

        let client = HTTPClient()
        defer { client.shutdown() }
        let dispatcher = Dispatcher(
            store: store, client: client, targets: rules.targets, version: version, logger: logger, retention: config.retention,
            clock: clock)
        // With no source configured, HTTP ingest is the source (metrics: `ingest`).
        let sourceName = config.source == .none ? "ingest" : config.source.rawValue
        let activeCalls = ActiveCalls()
        // NFON accounts count their source metrics themselves (`nfon:K1234`).
        let pipeline = Pipeline(
            rules: rules, dispatcher: dispatcher, logger: logger, source: config.source == .nfon ? nil : sourceName,
            observer: activeCalls.record, clock: clock, lookup: PipelineLookups.using(client))
        let accounts =
            config.source == .nfon
            ? NFONAccount.all(config.nfon, version: version, client: client, pipeline: pipeline, logger: logger, clock: clock)
            : []
        await pipeline.setCallBounds(maxRing: config.calls.maxRing, maxTalk: config.calls.maxTalk)
        // HTTP ingest is up with the server: `callhook_source_connected{source="ingest"} 1`.
        if config.source == .none { await pipeline.receive(.connected(true)) }
        let masker = SecretMasker(config: config.secrets, rules: rules.secrets)
        let reloader = RuleReloader(directory: config.rules, logger: logger) {
            await pipeline.replaceRules($0)
            masker.update(rules: $0.secrets)
        }
        let source = config.source
        let api = makeServerAPI(
            pipeline: pipeline, store: store, dispatcher: dispatcher, reloader: reloader, activeCalls: activeCalls,
            masker: masker,
            clock: clock)
        var server = ControlServer(
            host: address.host, port: address.port, registry: registry, logger: logger, api: api
        ) {
            var reasons: [String] = []
            if let reason = await queue.unavailable() { reasons.append(reason) }
            if source == .nfon {
                reasons += accounts.compactMap(\.notReady)
            } else if source != .none && !pipeline.stats.connected {
                reasons.append("the \(source.rawValue) source is not connected")
            }
            return Readiness(reasons: reasons)
        }

        let agentHub = config.agentSecret.map { _ in AgentHub(clock: clock, logger: logger) }
        if let agentHub, let secret = config.agentSecret {
            server.agentRoutes = AgentRoutes(hub: agentHub, secret: secret, clock: clock, logger: logger)
            await pipeline.attachAgents(agentHub)
        }

        // The queue's own service first: a group stops in reverse order, so
        // it stops after the dispatcher wrote its last outcomes.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = queue.service.map { [.init(service: $0)] } ?? []
        services += [
            // Lookups after the dispatcher: at shutdown they finish first and
            // their calls' requests are queued while it still takes them.
            .init(service: server.application()), .init(service: dispatcher),
            .init(service: ClosureService { await pipeline.runLookups() }), .init(service: reloader),
            .init(service: ClosureService { await pipeline.runSweeps() }),
        ]
        if let agentHub { services.append(.init(service: AgentHubService(hub: agentHub))) }
        switch config.source {
        case .none: break
        case .nfon:
            // One service per account: one account's failures never stall another.
            services += accounts.map { .init(service: $0.source) }
        case .simulator:
            var sim = SimulatorOptions()
            sim.port = 0
            sim.traffic.rate = config.simulator.rate
            sim.traffic.seed = config.simulator.seed
            sim.username = "callhook"
            sim.password = "simulator"
            let simulator = Simulator(options: sim, logger: logger)
            services.append(.init(service: simulator))
            services.append(
                .init(
                    service: ClosureService {
                        var nfon = NFONOptions(
                            baseURL: try await simulator.baseURL(), username: "callhook", password: "simulator",
                            account: simulator.options.traffic.customer)
                        nfon.version = version
                        nfon.lineStates = true
                        try await NFONSource(options: nfon, client: client, sink: pipeline, logger: logger, clock: clock).run()
                    }))
        }
        let listening = server.listening
        let log = logger
        services.append(
            .init(
                service: ClosureService {
                    let port = try await listening.port()
                    log.notice(
                        "callhook running",
                        metadata: [
                            "version": "\(version)",
                            "source": "\(accounts.isEmpty ? sourceName : accounts.map(\.name).joined(separator: ","))",
                            "listen": "\(address.host):\(port)",
                            "rules": "\(rules.rules.count)", "targets": "\(rules.targets.count)", "queue": "\(queue.location)",
                        ])
                    try? await gracefulShutdown()
                }))

        if let liveStatus {
            let (stats, deliveries) = (pipeline.stats, dispatcher.stats)
            services.append(
                .init(
                    service: LiveStatus(console: liveStatus) {
                        LiveStatus.daemonLine(
                            source: sourceName, accounts: accounts.map(\.status), pipeline: stats, delivery: deliveries)
                    }))
        }
        let group = ShutdownPolicy.group(services, logger: logger)
        do {
            try await group.run()
        } catch {
            throw Failure.runtime("callhook stopped: \(error)")
        }
        logger.notice("callhook stopped")
    }
}
