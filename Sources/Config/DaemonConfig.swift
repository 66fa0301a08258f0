/// `callhook.toml`: how `callhook run` is set up (runtime.md,
/// "Configuration"). Paths are already resolved against the file's
/// directory; secrets already taken from the environment.
public struct DaemonConfig: Sendable {
    public enum SourceKind: String, Sendable, CaseIterable {
        case nfon, simulator, none
    }

    /// `[source.simulator]`: the built-in simulator as the source.
    public struct SimulatorSource: Sendable {
        public var rate: Double = 1
        public var seed: UInt64 = 1
        public init() {}
    }

    public var rules = "Rules"
    public var data = "callhook-data"
    public var source: SourceKind = .none
    /// `[source.nfon]` or `[[source.nfon]]`: one entry per K-account.
    public var nfon: [NFON] = []
    public var simulator = SimulatorSource()
    public var listen = "127.0.0.1:8080"
    public var adminToken: String?
    public var ingestToken: String?
    public var agentSecret: String?
    /// `[server] public_url`: how PBXs reach this server (the sipgate.io
    /// adapter's follow-up URLs); nil when not set.
    public var publicURL: String?
    /// `[server] ingest_customer`: the customer of adapter events.
    public var ingestCustomer = "ingest"
    /// `sqlite:PATH` or `postgres://…`; nil: `sqlite:` under `data`.
    public var queueURL: String?
    public var retention: Duration = .seconds(7 * 86400)
    /// `[queue] lease`: how long a PostgreSQL claim holds a delivery for one instance.
    public var queueLease: Duration = .seconds(30)
    /// `[calls]`: when callhook ends a silent call leg itself.
    public var calls = Calls()
    /// Values that came from the environment: never printed.
    public var secrets: Set<String> = []

    public init() {}

    /// The SQLite file of the queue, or nil when the queue is not SQLite.
    public var queuePath: String? {
        guard let url = queueURL else { return data + "/queue.sqlite" }
        guard url.hasPrefix("sqlite:") else { return nil }
        var path = String(url.dropFirst("sqlite:".count))
        if path.hasPrefix("//") { path.removeFirst(2) }
        return path
    }
}
