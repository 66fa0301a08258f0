extension DaemonConfig {
    /// Reads `callhook.toml`. Unknown keys are errors with the nearest
    /// valid name, as in rule files; `{{env.NAME}}` takes secrets from the
    /// environment; every problem carries its line and column.
    ///
    /// - Parameters:
    ///   - path: the file, for messages and to resolve relative paths.
    ///   - missingEnvironment: `.error` for `run`; `.placeholder` for
    ///     commands that need no secrets (`queue`).
    public static func load(
        path: String, text: String, environment: [String: String],
        missingEnvironment: MissingEnvironment = .error
    ) -> Result<DaemonConfig, RuleLoadError> {
        let doc: TOMLTable
        do {
            doc = try TOMLNode.parse(text)
        } catch {
            return .failure(
                RuleLoadError(problems: [RuleProblem(file: path, line: error.line, column: error.column, message: error.message)])
            )
        }
        var loader = ConfigLoader(
            path: path, env: EnvironmentResolver(environment: environment, missing: missingEnvironment))
        let config = loader.load(doc)
        let problems = RuleProblem.ordered(loader.problems)
        if problems.contains(where: { $0.severity == .error }) { return .failure(RuleLoadError(problems: problems)) }
        return .success(config)
    }
}

/// The reading of one `callhook.toml`, table by table.
struct ConfigLoader {
    let path: String
    var env: EnvironmentResolver
    var problems: [RuleProblem] = []

    var base: String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[...slash])
    }

    func resolve(_ p: String) -> String {
        if p.hasPrefix("/") || base.isEmpty { return p }
        return base + p
    }

    /// A string with `{{env.NAME}}` replaced.
    mutating func string(_ r: inout TableReader, _ key: String) -> String? {
        guard let s = r.string(key) else { return nil }
        let (text, missing) = env.resolve(s)
        for (severity, message) in missing { r.problem(key, message, severity) }
        return text
    }

    mutating func load(_ doc: TOMLTable) -> DaemonConfig {
        var config = DaemonConfig()
        var root = TableReader(doc, file: path, subject: nil)
        config.rules = resolve(string(&root, "rules") ?? "Rules")
        config.data = resolve(string(&root, "data") ?? "callhook-data")
        if var source = root.table("source", prefix: "[source] ") {
            loadSource(&source, into: &config)
            root.absorb(source)
        }
        if var server = root.table("server", prefix: "[server] ") {
            config.listen = string(&server, "listen") ?? config.listen
            config.adminToken = string(&server, "admin_token").flatMap { $0.isEmpty ? nil : $0 }
            config.ingestToken = string(&server, "ingest_token").flatMap { $0.isEmpty ? nil : $0 }
            config.agentSecret = string(&server, "agent_secret").flatMap { $0.isEmpty ? nil : $0 }
            config.publicURL = string(&server, "public_url").flatMap { $0.isEmpty ? nil : $0 }
            config.ingestCustomer = string(&server, "ingest_customer") ?? config.ingestCustomer
            server.finish(known: ["listen", "admin_token", "ingest_token", "agent_secret", "public_url", "ingest_customer"])
            root.absorb(server)
        }
        if var queue = root.table("queue", prefix: "[queue] ") {
            if let url = string(&queue, "url") {
                if url.hasPrefix("sqlite:") {
                    config.queueURL = "sqlite:" + resolve(String(url.dropFirst("sqlite:".count)))
                } else if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
                    config.queueURL = url
                } else {
                    queue.problem("url", "must start with sqlite: or postgres://")
                }
            }
            config.retention = queue.duration("retention") ?? config.retention
            if let lease = queue.duration("lease") {
                if lease < .seconds(1) { queue.problem("lease", "must be at least 1s") } else { config.queueLease = lease }
            }
            queue.finish(known: ["url", "retention", "lease"])
            root.absorb(queue)
        }
        if var calls = root.table("calls", prefix: "[calls] ") {
            loadCalls(&calls, into: &config)
            root.absorb(calls)
        }
        root.finish(known: ["rules", "data", "source", "server", "queue", "calls"])
        problems += root.problems
        config.secrets = env.secrets
        return config
    }

    mutating func loadSource(_ source: inout TableReader, into config: inout DaemonConfig) {
        if let k = source.string("kind") {
            if let kind = DaemonConfig.SourceKind(rawValue: k) {
                config.source = kind
            } else {
                source.problem(
                    "kind",
                    "must be one of nfon, simulator, none" + suggestion(k, DaemonConfig.SourceKind.allCases.map(\.rawValue)))
            }
        }
        loadNFON(&source, into: &config)
        if var s = source.table("simulator", prefix: "[source.simulator] ") {
            if let r = s.string("rate") {
                if let rate = DurationParser.parseRate(r) {
                    config.simulator.rate = rate
                } else {
                    s.problem("rate", "must look like \"1/s\" or \"30/m\" (at most 10000/s, at least 1 a day)")
                }
            }
            if let seed = s.int("seed", in: Int.min...Int.max) { config.simulator.seed = UInt64(truncatingIfNeeded: seed) }
            s.finish(known: ["rate", "seed"])
            source.absorb(s)
        }
        source.finish(known: ["kind", "nfon", "simulator"])
    }
}
