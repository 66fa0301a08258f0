/// One problem found while loading a rule set.
///
/// Printed as `FILE:LINE:COLUMN: error: rule "NAME": KEY: MESSAGE`; the
/// position is left out only where none exists (a file that cannot be read). Never contains a secret:
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

    public init(
        _ severity: Severity = .error, file: String, at position: TOMLPosition?, subject: String? = nil, key: String? = nil,
        message: String
    ) {
        self.init(
            severity, file: file, line: position?.line, column: position?.column, subject: subject, key: key, message: message)
    }

    /// Problems in a stable order: by file, then line and column; problems
    /// at one place keep the order they were found in.
    public static func ordered(_ problems: [RuleProblem]) -> [RuleProblem] {
        problems.enumerated().sorted { a, b in
            let ka = (a.element.file, a.element.line ?? 0, a.element.column ?? 0, a.offset)
            let kb = (b.element.file, b.element.line ?? 0, b.element.column ?? 0, b.offset)
            return ka < kb
        }.map(\.element)
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
