extension RuleLoader {
    /// Replaces `{{env.NAME}}` / `{{{env.NAME}}}` with the variable's value
    /// (escaped for where it lands), remembering the value as a secret.
    mutating func resolveEnv(_ text: String, file: String, subject: String, key: String, escaping: Escaping = .none) -> String {
        let (resolved, missing) = env.resolve(text, escape: escaping.escape)
        for (severity, message) in missing {
            report(RuleProblem(severity, file: file, subject: subject, key: key, message: message))
        }
        return resolved
    }

    mutating func checkName(_ name: String, kind: String, file: String, subject: String) {
        let valid =
            name.first.map { $0.isASCII && ($0.isLowercase || $0.isNumber) } == true
            && name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || "_.-".contains($0)) }
        if !valid {
            report(RuleProblem(file: file, subject: subject, message: "name must match [a-z0-9][a-z0-9_.-]*"))
        }
        let id = "\(kind) \(name)"
        if let other = names[id], !(kind == "class" && ["internal", "anonymous", "external"].contains(name) && other.isEmpty) {
            report(RuleProblem(file: file, subject: subject, message: "is already defined in \(other)"))
        }
        names[id] = file
    }
}

extension RuleLoader {
    /// The reader for one table of a rule file: it reports unknown keys with
    /// a suggestion and knows where each key sits. Hand it back with `absorb`.
    func reader(_ t: TOMLTable, file: String, subject: String?, prefix: String = "") -> TableReader {
        TableReader(t, file: file, subject: subject, prefix: prefix)
    }

    /// Takes over the problems of a reader.
    mutating func absorb(_ r: TableReader) { for p in r.problems { report(p) } }
}
