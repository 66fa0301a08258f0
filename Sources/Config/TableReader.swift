/// Typed reads from one TOML table, in the manner of a decoder over a node
/// tree: it records which keys were read, reports every unread key with
/// the nearest valid name, reports a value of the wrong type as an error
/// (never a silent default), and puts the position of the key on every
/// problem.
public struct TableReader {
    public let table: TOMLTable
    public let file: String
    /// What the table is, e.g. `rule "missed-vip"` or `[source]`.
    public let subject: String?
    /// Put before each key in messages, e.g. `retry.` or `webhook.`.
    public let prefix: String
    public private(set) var problems: [RuleProblem] = []
    public private(set) var read: Set<String> = []

    public init(_ table: TOMLTable, file: String, subject: String?, prefix: String = "") {
        self.table = table
        self.file = file
        self.subject = subject
        self.prefix = prefix
    }

    /// Where a key is written; the table's own position for a missing key.
    public func position(of key: String) -> TOMLPosition { table.position(of: key) ?? table.position }

    /// A problem at a key (or at the table, for a key it lacks).
    public mutating func problem(_ key: String?, _ message: String, _ severity: RuleProblem.Severity = .error) {
        problems.append(
            RuleProblem(
                severity, file: file, at: key.map(position(of:)) ?? table.position, subject: subject,
                key: key.map { prefix + $0 }, message: message))
    }

    /// The raw value, marked as read.
    public mutating func value(_ key: String) -> TOMLNode? {
        read.insert(key)
        return table[key]
    }

    public mutating func string(_ key: String) -> String? {
        guard let v = value(key) else { return nil }
        guard let s = v.string else { return wrongType(key, v, "a string") }
        return s
    }

    public mutating func bool(_ key: String) -> Bool? {
        guard let v = value(key) else { return nil }
        guard let b = v.bool else { return wrongType(key, v, "true or false") }
        return b
    }

    /// An integer within `range` (out of range is an error naming the bound).
    public mutating func int(_ key: String, in range: ClosedRange<Int>) -> Int? {
        guard let v = value(key) else { return nil }
        guard let i = v.int else { return wrongType(key, v, "an integer") }
        guard range.contains(i) else {
            problem(key, "must be an integer from \(range.lowerBound) to \(range.upperBound), not \(i)")
            return nil
        }
        return i
    }

    /// A number (integer or float) within `range`; infinities and NaN are errors.
    public mutating func number(_ key: String, in range: ClosedRange<Double>) -> Double? {
        guard let v = value(key) else { return nil }
        let d: Double
        switch v {
        case .int(let i): d = Double(i)
        case .double(let x): d = x
        default: return wrongType(key, v, "a number")
        }
        guard d.isFinite, range.contains(d) else {
            problem(key, "must be a number from \(Self.format(range.lowerBound)) to \(Self.format(range.upperBound))")
            return nil
        }
        return d
    }

    /// A duration string within the documented bound.
    public mutating func duration(_ key: String) -> Duration? {
        guard let s = string(key) else { return nil }
        switch DurationParser.check(s) {
        case .success(let d): return d
        case .failure(let e):
            problem(key, e.message(for: s))
            return nil
        }
    }

    /// A sub-table, read by its own reader (merge it back with `absorb`).
    public mutating func table(_ key: String, prefix: String? = nil) -> TableReader? {
        guard let v = value(key) else { return nil }
        guard let t = v.table else { return wrongType(key, v, "a table") }
        return TableReader(t, file: file, subject: subject, prefix: prefix ?? "\(self.prefix)\(key).")
    }

    /// Takes over the problems of a sub-reader.
    public mutating func absorb(_ other: TableReader) { problems += other.problems }

    /// Hands every key of `known` that the table holds to `body` (in file
    /// order, or by name), marking it read; then reports every other key as
    /// unknown, with the nearest of `known`.
    public mutating func forEach(
        known: [String], byName: Bool = false, _ body: (_ key: String, _ value: TOMLNode, _ at: TOMLPosition) -> Void
    ) {
        let entries = byName ? table.entries.sorted { $0.key < $1.key } : table.entries
        for e in entries where known.contains(e.key) {
            read.insert(e.key)
            body(e.key, e.value, e.position)
        }
        finish(known: known)
    }

    /// Reports every key that was not read, with the nearest of `known`.
    public mutating func finish(known: [String]) {
        for e in table.entries where !read.contains(e.key) {
            problem(e.key, "unknown key" + suggestion(e.key, known))
        }
    }

    mutating func wrongType<T>(_ key: String, _ v: TOMLNode, _ expected: String) -> T? {
        problem(key, "must be \(expected), not \(v.kindName)")
        return nil
    }

    static func format(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
    }
}
