/// One problem found while loading a rule set.
///
/// Printed as `FILE:LINE:COLUMN: error: MESSAGE` when a position is known,
/// else `FILE: error: rule "NAME": KEY: MESSAGE`. Never contains a secret:
/// messages name keys and variables, not their values.
public struct RuleProblem: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable { case error, warning }

    public var severity: Severity
    public var file: String
    public var line: Int?
    public var column: Int?
    /// What the problem is in, e.g. `rule "missed-vip"` or `target "crm"`.
    public var subject: String?
    /// The key path within the subject, e.g. `when.class`.
    public var key: String?
    public var message: String

    public init(
        _ severity: Severity = .error, file: String, line: Int? = nil, column: Int? = nil, subject: String? = nil,
        key: String? = nil, message: String
    ) {
        self.severity = severity
        self.file = file
        self.line = line
        self.column = column
        self.subject = subject
        self.key = key
        self.message = message
    }

    public var description: String {
        var s = file
        if let line {
            s += ":\(line)"
            if let column { s += ":\(column)" }
        }
        s += ": \(severity.rawValue): "
        if let subject { s += "\(subject): " }
        if let key { s += "\(key): " }
        return s + message
    }
}

/// A rule set that could not be loaded, with every problem found.
public struct RuleLoadError: Error, Sendable, CustomStringConvertible {
    public var problems: [RuleProblem]
    public init(problems: [RuleProblem]) { self.problems = problems }
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
