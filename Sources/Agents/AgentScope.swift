/// What one agent may see: its extensions, in one customer (K-account) or,
/// when the token names no customer, in every customer.
///
/// NFON's CTI service description (§4.1) makes the integrator responsible
/// for each user seeing only the calls they are entitled to; the scope is
/// where callhook enforces that.
public struct AgentScope: Sendable, Hashable {
    /// nil: the extensions in any customer (single-account installations).
    public var customer: String?
    public var extensions: Set<String>

    public init(customer: String?, extensions: Set<String>) {
        self.customer = customer
        self.extensions = extensions
    }

    /// Whether an event for this customer's extension belongs to the agent.
    public func contains(customer: String, extension ext: String) -> Bool {
        guard extensions.contains(ext) else { return false }
        guard let own = self.customer else { return true }
        return own == customer
    }
}
