/// What an unset `{{env.NAME}}` is.
public enum MissingEnvironment: Sendable {
    /// A load error (the daemon).
    case error
    /// A warning, with a placeholder value (`check`, which often runs
    /// without production secrets).
    case warning
    /// Silently `demo-NAME` (the demo runs with no environment set up).
    case placeholder
}

/// Replaces `{{env.NAME}}` / `{{{env.NAME}}}` in configuration text with the
/// variable's value, remembering each value as a secret.
public struct EnvironmentResolver: Sendable {
    public let environment: [String: String]
    public let missing: MissingEnvironment
    /// Every value taken from the environment: never printed.
    public private(set) var secrets: Set<String> = []

    public init(environment: [String: String], missing: MissingEnvironment) {
        self.environment = environment
        self.missing = missing
    }

    /// The text with its variables replaced (`escape` applies to `{{…}}`,
    /// not to `{{{…}}}`), and a problem message per unset variable.
    public mutating func resolve(_ text: String, escape: (String) -> String = { $0 }) -> (
        text: String, problems: [(RuleProblem.Severity, String)]
    ) {
        guard text.contains("env.") else { return (text, []) }
        var problems: [(RuleProblem.Severity, String)] = []
        var out = ""
        var rest = Substring(text)
        while let open = rest.firstRange(of: "{{") {
            out += rest[..<open.lowerBound]
            let after = rest[open.upperBound...]
            let triple = after.hasPrefix("{")
            let body = triple ? after.dropFirst() : after
            let closer = triple ? "}}}" : "}}"
            guard let close = body.firstRange(of: closer) else {
                out += rest[open.lowerBound...]
                rest = rest[rest.endIndex...]
                break
            }
            let name = body[..<close.lowerBound].trimmingCharacters()
            if name.hasPrefix("env.") {
                let variable = String(name.dropFirst(4))
                if let value = environment[variable] {
                    secrets.insert(value)
                    out += triple ? value : escape(value)
                } else {
                    switch missing {
                    case .error: problems.append((.error, "environment variable \(variable) is not set"))
                    case .warning:
                        problems.append(
                            (
                                .warning,
                                "environment variable \(variable) is not set; `callhook run` will refuse these rules until it is"
                            ))
                    case .placeholder: break
                    }
                    out += "demo-\(variable)"
                }
            } else {
                out += rest[open.lowerBound..<close.upperBound]
            }
            rest = body[close.upperBound...]
        }
        out += rest
        return (out, problems)
    }
}
