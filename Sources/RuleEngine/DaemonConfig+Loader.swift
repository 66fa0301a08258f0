extension DaemonConfig {
    /// Reads `callhook.toml`. Unknown keys are errors with the nearest
    /// valid name, as in rule files; `{{env.NAME}}` takes secrets from the
    /// environment.
    ///
    /// - Parameters:
    ///   - path: the file, for messages and to resolve relative paths.
    ///   - missingEnvironment: `.error` for `run`; `.placeholder` for
    ///     commands that need no secrets (`queue`).
    public static func load(
        path: String, text: String, environment: [String: String],
        missingEnvironment: RuleLoader.MissingEnvironment = .error
    ) -> Result<DaemonConfig, RuleLoadError> {
        let doc: [String: TOMLNode]
        do {
            doc = try TOMLNode.parse(text)
        } catch {
            return .failure(
                RuleLoadError(problems: [RuleProblem(file: path, line: error.line, column: error.column, message: error.message)])
            )
        }
        var reader = ConfigReader(
            file: path, loader: RuleLoader(environment: environment, missingEnvironment: missingEnvironment))
        var config = DaemonConfig()
        let base = RuleLoader.directory(of: path)
        func resolve(_ p: String) -> String {
            if p.hasPrefix("/") || base.isEmpty { return p }
            return base.hasSuffix("/") ? base + p : base + "/" + p
        }

        reader.keys(doc, known: ["rules", "data", "source", "server", "queue"], table: nil)
        if let v = reader.string(doc, "rules", table: nil) { config.rules = resolve(v) } else { config.rules = resolve("Rules") }
        if let v = reader.string(doc, "data", table: nil) {
            config.data = resolve(v)
        } else {
            config.data = resolve("callhook-data")
        }

        if let source = reader.table(doc, "source", table: nil) {
            reader.keys(source, known: ["kind", "nfon", "simulator"], table: "source")
            if let k = reader.string(source, "kind", table: "source") {
                if let kind = SourceKind(rawValue: k) {
                    config.source = kind
                } else {
                    reader.problem(
                        "source", "kind",
                        "must be one of nfon, simulator, none" + suggestion(k, SourceKind.allCases.map(\.rawValue)))
                }
            }
            if let n = reader.table(source, "nfon", table: "source") {
                let t = "source.nfon"
                reader.keys(
                    n,
                    known: ["base_url", "username", "password", "account", "line_states", "directory_refresh", "idle_timeout"],
                    table: t)
                config.nfon.baseURL = reader.string(n, "base_url", table: t) ?? ""
                config.nfon.username = reader.string(n, "username", table: t) ?? ""
                config.nfon.password = reader.string(n, "password", table: t) ?? ""
                config.nfon.account = reader.string(n, "account", table: t) ?? ""
                config.nfon.lineStates = reader.bool(n, "line_states", table: t) ?? true
                config.nfon.directoryRefresh = reader.duration(n, "directory_refresh", table: t) ?? config.nfon.directoryRefresh
                config.nfon.idleTimeout = reader.duration(n, "idle_timeout", table: t) ?? config.nfon.idleTimeout
            }
            if let s = reader.table(source, "simulator", table: "source") {
                let t = "source.simulator"
                reader.keys(s, known: ["rate", "seed"], table: t)
                if let r = reader.string(s, "rate", table: t) {
                    if let rate = DurationParser.parseRate(r) {
                        config.simulator.rate = rate
                    } else {
                        reader.problem(t, "rate", "must look like \"1/s\" or \"30/m\"")
                    }
                }
                if let seed = reader.int(s, "seed", table: t) { config.simulator.seed = UInt64(truncatingIfNeeded: seed) }
            }
            if config.source == .nfon {
                for (key, value) in [
                    ("base_url", config.nfon.baseURL), ("username", config.nfon.username),
                    ("password", config.nfon.password), ("account", config.nfon.account),
                ] where value.isEmpty {
                    reader.problem("source.nfon", key, "is required when [source] kind = \"nfon\"")
                }
            }
        }
        if let server = reader.table(doc, "server", table: nil) {
            let t = "server"
            reader.keys(server, known: ["listen", "admin_token", "ingest_token", "agent_secret"], table: t)
            config.listen = reader.string(server, "listen", table: t) ?? config.listen
            config.adminToken = reader.string(server, "admin_token", table: t).flatMap { $0.isEmpty ? nil : $0 }
            config.ingestToken = reader.string(server, "ingest_token", table: t).flatMap { $0.isEmpty ? nil : $0 }
            config.agentSecret = reader.string(server, "agent_secret", table: t).flatMap { $0.isEmpty ? nil : $0 }
        }
        if let queue = reader.table(doc, "queue", table: nil) {
            let t = "queue"
            reader.keys(queue, known: ["url", "retention"], table: t)
            if let url = reader.string(queue, "url", table: t) {
                if url.hasPrefix("sqlite:") {
                    let p = String(url.dropFirst("sqlite:".count))
                    config.queueURL = "sqlite:" + resolve(p)
                } else if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
                    config.queueURL = url
                } else {
                    reader.problem(t, "url", "must start with sqlite: or postgres://")
                }
            }
            config.retention = reader.duration(queue, "retention", table: t) ?? config.retention
        }
        config.secrets = reader.loader.secrets
        let problems = reader.loader.problems
        if problems.contains(where: { $0.severity == .error }) { return .failure(RuleLoadError(problems: problems)) }
        return .success(config)
    }
}

/// Typed reads from one TOML table of `callhook.toml`, collecting problems.
struct ConfigReader {
    let file: String
    var loader: RuleLoader

    mutating func problem(_ table: String?, _ key: String, _ message: String) {
        let path = table.map { "[\($0)] \(key)" } ?? key
        loader.problems.append(RuleProblem(file: file, key: path, message: message))
    }

    mutating func keys(_ t: [String: TOMLNode], known: [String], table: String?) {
        for key in t.keys.sorted() where !known.contains(key) {
            problem(table, key, "unknown key" + suggestion(key, known))
        }
    }

    mutating func table(_ t: [String: TOMLNode], _ key: String, table: String?) -> [String: TOMLNode]? {
        guard let v = t[key] else { return nil }
        guard let sub = v.table else {
            problem(table, key, "must be a table, not \(v.kindName)")
            return nil
        }
        return sub
    }

    mutating func string(_ t: [String: TOMLNode], _ key: String, table: String?) -> String? {
        guard let v = t[key] else { return nil }
        guard let s = v.string else {
            problem(table, key, "must be a string, not \(v.kindName)")
            return nil
        }
        return loader.resolveEnv(s, file: file, subject: table.map { "[\($0)]" } ?? "", key: key)
    }

    mutating func bool(_ t: [String: TOMLNode], _ key: String, table: String?) -> Bool? {
        guard let v = t[key] else { return nil }
        guard let b = v.bool else {
            problem(table, key, "must be true or false, not \(v.kindName)")
            return nil
        }
        return b
    }

    mutating func int(_ t: [String: TOMLNode], _ key: String, table: String?) -> Int? {
        guard let v = t[key] else { return nil }
        guard let i = v.int else {
            problem(table, key, "must be an integer, not \(v.kindName)")
            return nil
        }
        return i
    }

    mutating func duration(_ t: [String: TOMLNode], _ key: String, table: String?) -> Duration? {
        guard let s = string(t, key, table: table) else { return nil }
        guard let d = DurationParser.parse(s) else {
            problem(table, key, "must be a duration such as \"90s\", \"15m\" or \"7d\"")
            return nil
        }
        return d
    }
}
