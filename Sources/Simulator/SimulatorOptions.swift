import Calls

/// How `callhook sim` (and the demo's embedded simulator) behaves.
public struct SimulatorOptions: Sendable {
    public var host = "127.0.0.1"
    /// 0 picks a free port.
    public var port = 8090
    public var traffic = TrafficGenerator.Options()
    /// `/lookup`: how long each answer takes.
    public var lookupDelay: Duration = .zero
    /// `/lookup`: the share of answers (0…1) that are a 500.
    public var lookupFailureRate: Double = 0
    /// Simulated seconds per real second.
    public var speed: Double = 1
    /// Lifetime of access tokens; a stream whose token expires is closed.
    public var tokenTTL: Duration = .seconds(3600)
    /// Lifetime of refresh tokens.
    public var refreshTTL: Duration = .seconds(86400)
    /// Credentials to accept; nil accepts any non-empty user name.
    public var username: String?
    public var password: String?
    /// A fixed sequence of events to play instead of generated traffic.
    public var script: [SimulatedEvent]?
    /// Wait for the first calls-stream client before generating, so that
    /// no client misses the beginning of a seeded run.
    public var startWhenSubscribed = true
    /// Comment lines sent on idle streams.
    public var keepaliveInterval: Duration = .seconds(15)
    /// Events a stream client may fall behind by; a client further behind
    /// is disconnected (it reconnects and resumes) instead of holding an
    /// ever-growing buffer.
    public var subscriberBuffer = 4096
    /// Faults to inject (none by default).
    public var faults = SimulatorFaults()
    /// K-accounts served (`--tenants`): each with its own customer, login,
    /// extensions, traffic and streams (`SimulatorTenant`).
    public var tenants = 1
    /// The tenant (from 1) the faults apply to; nil: every tenant.
    public var faultTenant: Int?

    public init() {}
}
