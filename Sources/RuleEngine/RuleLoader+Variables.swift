extension RuleLoader {
    /// A template naming a variable that does not exist is a warning with the
    /// nearest valid name, at the line of the template.
    mutating func warnUnknownVariables(_ rule: Rule, webhookTables: [TOMLTable]) {
        var templates: [(String, TextTemplate, TOMLPosition?)] = []
        for (i, w) in rule.webhooks.enumerated() {
            let k = rule.webhooks.count > 1 ? "webhook[\(i + 1)]" : "webhook"
            let table = i < webhookTables.count ? webhookTables[i] : nil
            func at(_ keys: String...) -> TOMLPosition? { table.flatMap { Self.locate($0, keys) } }
            if let p = w.path { templates.append(("\(k).path", p, at("path"))) }
            templates += w.query.map { ("\(k).query.\($0.0)", $0.1, at("query", $0.0)) }
            templates += w.headers.map { ("\(k).headers.\($0.0)", $0.1, at("headers", $0.0)) }
            switch w.body {
            case .json(let j): templates += j.templates.map { ("\(k).json", $0, at("json")) }
            case .form(let f): templates += f.map { ("\(k).form.\($0.0)", $0.1, at("form", $0.0)) }
            case .text(let t, _): templates.append(("\(k).body", t, at("body")))
            case .none: break
            }
        }
        let known = Set(CallEngine.knownPaths)
        for (key, t, at) in templates {
            for path in t.variablePaths {
                if known.contains(path) || path.hasPrefix("call.vars.") || path.contains(".custom.") || path.hasPrefix("env.") {
                    continue
                }
                report(
                    RuleProblem(
                        .warning, file: rule.file, at: at ?? here, subject: "rule \"\(rule.name)\"", key: key,
                        message: "unknown variable `\(path)`" + suggestion(path, CallEngine.knownPaths)))
            }
        }
    }

    /// The position of a key path in a table: the deepest key found.
    static func locate(_ table: TOMLTable, _ keys: [String]) -> TOMLPosition? {
        var t = table
        var found: TOMLPosition?
        for k in keys {
            guard let p = t.position(of: k) else { break }
            found = p
            guard let sub = t[k]?.table else { break }
            t = sub
        }
        return found ?? table.position
    }
}
