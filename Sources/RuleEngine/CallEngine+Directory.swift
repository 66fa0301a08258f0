extension CallEngine {
    /// The extension directory of one customer (K-account). With a single
    /// directory loaded, that one serves every event, so a single account
    /// whose events spell the customer differently keeps its names.
    public func directory(for customer: String) -> [String: String] {
        Self.directory(for: customer, in: directories)
    }

    static func directory(for customer: String, in directories: [String: [String: String]]) -> [String: String] {
        // No directory loaded: no customer name hashed for each phase.
        if directories.isEmpty { return [:] }
        if let d = directories[customer] { return d }
        return directories.count == 1 ? directories.values.first ?? [:] : [:]
    }

    /// Replaces one customer's directory (each account loads its own).
    public mutating func setDirectory(_ directory: [String: String], customer: String) {
        directories[customer] = directory
    }
}
