import Calls

extension RuleLoader {
    /// A condition key that cannot apply to a phase in `on` is an error.
    mutating func checkPhases(_ rule: Rule, file: String, subject: String) {
        for key in rule.when.usedKeys.sorted() {
            guard let allowed = Condition.phasesOfKey[key] else { continue }
            if let p = rule.on.subtracting(allowed).map(\.rawValue).sorted().first {
                let names = allowed.map(\.rawValue).sorted().joined(separator: ", ")
                report(
                    RuleProblem(
                        file: file, subject: subject, key: "when.\(key)",
                        message: "cannot apply to phase `\(p)` (only to \(names))"))
            }
        }
    }

    // MARK: - Values

    mutating func table(_ node: TOMLNode, file: String, subject: String?, key: String?) -> TOMLTable? {
        if let t = node.table { return t }
        report(RuleProblem(file: file, subject: subject, key: key, message: "must be a table, not \(node.kindName)"))
        return nil
    }

    mutating func arrayOfTables(_ node: TOMLNode, file: String, key: String, subject: String? = nil) -> [TOMLTable] {
        if let a = node.array {
            var out: [TOMLTable] = []
            for item in a {
                if let t = item.table {
                    out.append(t)
                } else {
                    report(
                        RuleProblem(file: file, subject: subject, key: key, message: "must be an array of tables ([[\(key)]])"))
                }
            }
            return out
        }
        if let t = node.table { return [t] }
        report(RuleProblem(file: file, subject: subject, key: key, message: "must be an array of tables ([[\(key)]])"))
        return []
    }

    /// A boolean; anything else is an error, never a silent default.
    mutating func bool(_ node: TOMLNode, file: String, subject: String?, key: String) -> Bool? {
        if let b = node.bool { return b }
        report(RuleProblem(file: file, subject: subject, key: key, message: "must be true or false, not \(node.kindName)"))
        return nil
    }

    /// An integer within its documented bound.
    mutating func int(_ node: TOMLNode, in range: ClosedRange<Int>, file: String, subject: String?, key: String) -> Int? {
        guard let i = node.int else {
            report(RuleProblem(file: file, subject: subject, key: key, message: "must be an integer, not \(node.kindName)"))
            return nil
        }
        guard range.contains(i) else {
            report(
                RuleProblem(
                    file: file, subject: subject, key: key,
                    message: "must be an integer from \(range.lowerBound) to \(range.upperBound), not \(i)"))
            return nil
        }
        return i
    }

    mutating func string(_ node: TOMLNode, file: String, subject: String?, key: String) -> String? {
        if let s = node.string { return s }
        report(RuleProblem(file: file, subject: subject, key: key, message: "must be a string, not \(node.kindName)"))
        return nil
    }

    /// A string or an array of strings.
    mutating func strings(_ node: TOMLNode, file: String, subject: String, key: String) -> [String] {
        if let s = node.string { return [s] }
        if let a = node.array {
            return a.compactMap { string($0, file: file, subject: subject, key: key) }
        }
        report(RuleProblem(file: file, subject: subject, key: key, message: "must be a string or an array of strings"))
        return []
    }

    mutating func duration(_ node: TOMLNode, file: String, subject: String, key: String) -> Duration? {
        guard let s = string(node, file: file, subject: subject, key: key) else { return nil }
        switch DurationParser.check(s) {
        case .success(let d): return d
        case .failure(let e):
            report(RuleProblem(file: file, subject: subject, key: key, message: e.message(for: s)))
            return nil
        }
    }

    mutating func template(
        _ text: String, _ escaping: Escaping, file: String, subject: String, key: String, rawURL: Bool = false
    ) -> TextTemplate? {
        let resolved = resolveEnv(text, file: file, subject: subject, key: key, escaping: rawURL ? .none : escaping)
        do {
            return try TextTemplate(resolved, escaping: escaping)
        } catch {
            report(RuleProblem(file: file, subject: subject, key: key, message: "invalid template: \(error)"))
            return nil
        }
    }

    mutating func templateTable(_ node: TOMLNode, _ escaping: Escaping, file: String, subject: String, key: String) -> [(
        String, TextTemplate
    )] {
        guard let t = table(node, file: file, subject: subject, key: key) else { return [] }
        var out: [(String, TextTemplate)] = []
        for (k, v, at) in t.located.sorted(by: { $0.key < $1.key }) {
            here = at
            let text: String
            switch v {
            case .string(let s): text = s
            case .int(let i): text = String(i)
            case .bool(let b): text = String(b)
            case .double(let d): text = String(d)
            default:
                report(
                    RuleProblem(file: file, subject: subject, key: "\(key).\(k)", message: "must be a string, not \(v.kindName)"))
                continue
            }
            if let tpl = template(text, escaping, file: file, subject: subject, key: "\(key).\(k)") { out.append((k, tpl)) }
        }
        return out
    }

    /// A JSON body template; objects keep the key order of the rule file.
    mutating func jsonTemplate(_ node: TOMLNode, file: String, subject: String, key: String) -> JSONTemplate? {
        switch node {
        case .table(let t):
            return .object(
                t.located.compactMap { k, v, at in
                    here = at
                    return jsonTemplate(v, file: file, subject: subject, key: "\(key).\(k)").map { (k, $0) }
                })
        case .array(let a): return .array(a.compactMap { jsonTemplate($0, file: file, subject: subject, key: key) })
        case .string(let s): return template(s, .none, file: file, subject: subject, key: key).map { .string($0) }
        case .int(let i): return .literal(.int(i))
        case .double(let d): return .literal(.double(d))
        case .bool(let b): return .literal(.bool(b))
        case .datetime(let s): return .literal(.string(s))
        }
    }
}
