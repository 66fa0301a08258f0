extension DaemonConfig {
    /// One NFON K-account: a `[source.nfon]` table, or one `[[source.nfon]]`
    /// entry of several (runtime.md, "Several K-accounts").
    public struct NFON: Sendable {
        public var baseURL = ""
        public var username = ""
        public var password = ""
        /// The K-account (e.g. `K1234`): the `customer` of its events, the
        /// name in its metrics and readiness (`nfon:K1234`).
        public var account = ""
        public var lineStates = true
        public var directoryRefresh: Duration = .seconds(15 * 60)
        public var idleTimeout: Duration = .seconds(90)
        public init() {}

        /// True when a required value is missing (a file whose `[source]
        /// kind` is not `nfon`, run with `--source nfon`).
        public var isIncomplete: Bool { [baseURL, username, password, account].contains(where: \.isEmpty) }

        /// The source's name in metrics, readiness and logs.
        public var sourceName: String { "nfon:" + account }

        static let keys = [
            "base_url", "username", "password", "account", "line_states", "directory_refresh", "idle_timeout",
        ]
        static let required = ["base_url", "username", "password", "account"]
    }
}

extension ConfigLoader {
    /// `[source.nfon]` (one account) or `[[source.nfon]]` (one entry per
    /// account). Every entry is checked on its own; two entries with the
    /// same account, or the same user name on the same base URL, are errors.
    mutating func loadNFON(_ source: inout TableReader, into config: inout DaemonConfig) {
        var entries: [(table: TOMLTable, header: String)] = []
        switch source.value("nfon") {
        case nil: break
        case .table(let t): entries = [(t, "[source.nfon] ")]
        case .array(let items):
            for item in items {
                if let t = item.table { entries.append((t, "[[source.nfon]] ")) }
            }
            if entries.count != items.count || items.isEmpty {
                source.problem("nfon", "must be a [source.nfon] table or [[source.nfon]] tables, one per K-account")
            }
        case .some(let other): source.problem("nfon", "must be a table, not \(other.kindName)")
        }
        guard !entries.isEmpty else {
            if config.source == .nfon {
                for key in DaemonConfig.NFON.required {
                    problems.append(
                        RuleProblem(
                            file: path, at: source.table.position, key: "[source.nfon] \(key)",
                            message: "is required when [source] kind = \"nfon\""))
                }
            }
            return
        }
        var accounts: [String: TOMLPosition] = [:]
        var logins: [String: (account: String, at: TOMLPosition)] = [:]
        for (table, header) in entries {
            var n = TableReader(table, file: path, subject: nil, prefix: header)
            var a = DaemonConfig.NFON()
            a.baseURL = string(&n, "base_url") ?? ""
            a.username = string(&n, "username") ?? ""
            a.password = string(&n, "password") ?? ""
            a.account = string(&n, "account") ?? ""
            a.lineStates = n.bool("line_states") ?? true
            a.directoryRefresh = n.duration("directory_refresh") ?? a.directoryRefresh
            a.idleTimeout = n.duration("idle_timeout") ?? a.idleTimeout
            n.finish(known: DaemonConfig.NFON.keys)
            if config.source == .nfon {
                for (key, value) in zip(DaemonConfig.NFON.required, [a.baseURL, a.username, a.password, a.account])
                where value.isEmpty {
                    n.problem(key, "is required when [source] kind = \"nfon\"")
                }
            }
            if !a.account.isEmpty {
                if !a.account.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) {
                    n.problem("account", "must be the K-account as NFON writes it (letters, digits, - _ .), e.g. \"K1234\"")
                } else if let first = accounts[a.account] {
                    n.problem("account", "\(a.account) is configured twice; the first is at line \(first.line)")
                } else {
                    accounts[a.account] = n.position(of: "account")
                }
            }
            if !a.username.isEmpty && !a.baseURL.isEmpty {
                var url = Substring(a.baseURL.lowercased())
                while url.hasSuffix("/") { url = url.dropLast() }
                let login = url + "\n" + a.username
                if let first = logins[login] {
                    n.problem(
                        "username",
                        "the same login as account \(first.account) (line \(first.at.line)); each K-account has its own user name"
                    )
                } else {
                    logins[login] = (a.account, n.position(of: "username"))
                }
            }
            source.absorb(n)
            config.nfon.append(a)
        }
    }
}
