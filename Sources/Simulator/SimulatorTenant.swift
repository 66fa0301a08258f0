/// One simulated K-account of `callhook sim --tenants N`: its own
/// customer, login, extensions (numbered alike, named apart), traffic,
/// tokens and streams. Tenant 1 is `--customer`; tenant N counts the
/// customer's number on (`K1234`, `K1235`, …).
struct SimulatorTenant: Sendable {
    /// From 1.
    let index: Int
    let customer: String
    /// The options as this tenant sees them: its customer, seed and faults.
    let options: SimulatorOptions
    let hub: SimulatorHub
    let extensions: [SimulatedExtension]
    let generator: TrafficGenerator

    init(index: Int, of options: SimulatorOptions) {
        var own = options
        own.traffic.customer = Self.customer(options.traffic.customer, index: index)
        own.traffic.seed = options.traffic.seed &+ UInt64(index - 1)
        if let target = options.faultTenant, target != index { own.faults = SimulatorFaults() }
        let generator = TrafficGenerator(options: own.traffic)
        self.index = index
        self.customer = own.traffic.customer
        self.options = own
        self.generator = generator
        self.extensions = generator.extensions
        self.hub = SimulatorHub(options: own, initialStates: generator.initialStates())
    }

    /// `K1234` → `K1235` for tenant 2; a customer without a number gets
    /// `-2`, `-3`, ….
    static func customer(_ first: String, index: Int) -> String {
        guard index > 1 else { return first }
        let digits = String(first.reversed().prefix { $0.isASCII && $0.isNumber }.reversed())
        guard !digits.isEmpty, digits.count < 18, let n = Int(digits) else { return "\(first)-\(index)" }
        let number = String(n + index - 1)
        let padded = String(repeating: "0", count: max(0, digits.count - number.count)) + number
        return String(first.dropLast(digits.count)) + padded
    }

    /// Whether a login with this user name is this tenant's: with one
    /// tenant any name (or `--username`), with several the K-account.
    func accepts(user: String, tenants: Int) -> Bool {
        if tenants == 1 { return options.username.map { $0 == user } ?? true }
        return user == customer
    }
}
