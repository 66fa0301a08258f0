import Agents
import Calls
import Curl
import Delivery
import Feeds
import Foundation
import Logging
import RuleEngine
import Server
import ServiceLifecycle
import Simulator

/// `callhook demo`: the simulator, the repository's rules, and a local sink
/// that every target is redirected to, wired through the real pipeline.
public struct Demo: Sendable {
    public struct Options: Sendable {
        public var rulesDirectory = "Rules"
        /// Where the sink listens (port 0: any free port).
        public var listenHost = "127.0.0.1"
        public var listenPort = 0
        public var rate: Double = 1
        public var duration: Duration?
        public var seed: UInt64 = 1
        public var version = "0.1.0"

        public init() {}
    }

    public enum Failure: Error, CustomStringConvertible {
        case rules(RuleLoadError)
        case other(String)

        public var description: String {
            switch self {
            case .rules(let e): "the example rules do not load:\n\(e)"
            case .other(let s): s
            }
        }
    }

    let options: Options
    let logger: Logger

    public init(options: Options, logger: Logger) {
        self.options = options
        self.logger = logger
    }

    public func run() async throws {
        let rules: RuleSet
        switch RuleFiles.load(directory: options.rulesDirectory, missingEnvironment: .placeholder) {
        case .success(let r): rules = r
        case .failure(let e): throw Failure.rules(e)
        }
        let console = Console()
        let sink = DemoSink(host: options.listenHost, port: options.listenPort, console: console, logger: logger)

        var simOptions = SimulatorOptions()
        simOptions.port = 0
        simOptions.traffic.rate = options.rate
        simOptions.traffic.seed = options.seed
        simOptions.username = "demo"
        simOptions.password = "demo"
        let simulator = Simulator(options: simOptions, logger: logger)

        let client = HTTPClient()
        defer { client.shutdown() }
        // The demo's queue lives in a temporary directory, removed at exit.
        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("callhook-demo-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: dataDirectory) }
        let store = try SQLiteDeliveryStore(path: dataDirectory + "/queue.sqlite")
        let dispatcher = Dispatcher(
            store: store, client: client, targets: rules.targets, version: options.version, logger: logger)
        let pipeline = Pipeline(
            rules: rules, dispatcher: dispatcher, logger: logger, lookup: PipelineLookups.using(client))

        // The agent page and stream on the sink's address, with a secret of this run.
        let agents = DemoAgents(logger: logger)
        await pipeline.attachAgents(agents.hub)
        let sinkApp = sink.application(agentRoutes: agents.routes)
        let group = ShutdownPolicy.group(
            [
                .init(service: sinkApp), .init(service: dispatcher),
                .init(service: ClosureService { await pipeline.runLookups() }), .init(service: simulator),
                .init(
                    service: ClosureService {
                        try await self.startSource(simulator, sink, rules, client, pipeline, dispatcher)
                    }),
                .init(service: SummaryTicker(console: console, pipeline: pipeline.stats, delivery: dispatcher.stats, sink: sink)),
                .init(service: AgentHubService(hub: agents.hub)),
                .init(
                    service: ClosureService {
                        let port = try await sink.listening.port()
                        console.print(agents.announcement(host: options.listenHost, port: port))
                        try? await gracefulShutdown()
                    }),
            ], logger: logger)
        try await withThrowingTaskGroup(of: Bool.self) { tasks in
            tasks.addTask {
                try await group.run()
                return true
            }
            if let d = options.duration {
                tasks.addTask {
                    try await Task.sleep(for: d)
                    await group.triggerGracefulShutdown()
                    return false
                }
            }
            // Wait for the group itself; a timer still sleeping (Ctrl-C came
            // first) is cancelled.
            while let groupDone = try await tasks.next() {
                if groupDone {
                    tasks.cancelAll()
                    break
                }
            }
        }
        console.finishStatus()
        console.print(
            "demo stopped: \(pipeline.stats.calls) call legs, \(pipeline.stats.events) events, \(pipeline.stats.matches) rule matches, \(dispatcher.stats.delivered) deliveries, \(sink.count) requests received by the sink"
        )
    }

    /// Points the rules at the sink and starts the NFON source against the
    /// simulator once both listen; runs until shutdown.
    private func startSource(
        _ simulator: Simulator, _ sink: DemoSink, _ rules: RuleSet, _ client: HTTPClient, _ pipeline: Pipeline,
        _ dispatcher: Dispatcher
    ) async throws {
        let sinkPort = try await sink.listening.port()
        var redirected = try rules.redirectingTargets(to: "http://\(options.listenHost):\(sinkPort)")
        let base = try await simulator.baseURL()
        // Lookups go to the simulator's lookup service, never to the real one.
        try Self.redirectLookup(&redirected, to: base)
        // Workflows are answered by the simulator's workflow service.
        if let root = Self.serviceRoot(of: base) { sink.answerWorkflows(from: root, client: client) }
        await pipeline.replaceRules(redirected)
        logger.info("demo running", metadata: ["simulator": "\(base)", "sink": "http://\(options.listenHost):\(sinkPort)"])
        var nfon = NFONOptions(baseURL: base, username: "demo", password: "demo", account: simulator.options.traffic.customer)
        nfon.version = options.version
        nfon.lineStates = true
        let source = NFONSource(options: nfon, client: client, sink: pipeline, logger: logger)
        try await source.run()
    }

    /// Points `[lookup]` at the simulator's `/lookup`.
    static func redirectLookup(_ rules: inout RuleSet, to simulatorBase: String) throws {
        guard var lookup = rules.lookup, let root = serviceRoot(of: simulatorBase) else { return }
        lookup.url = try TextTemplate("\(root)/lookup", escaping: lookup.url.escaping)
        lookup.headers = []
        rules.lookup = lookup
    }

    /// `http://host:port` of the simulator, where its CONNECTOR services are.
    static func serviceRoot(of simulatorBase: String) -> String? {
        guard let url = URL(string: simulatorBase), let host = url.host, let port = url.port else { return nil }
        return "http://\(host):\(port)"
    }
}
