import Calls

/// A loaded, checked rule set: what the engine runs.
public struct RuleSet: Sendable {
    public var settings: Settings
    public var classes: [ClassDefinition]
    public var targets: [String: Target]
    public var rules: [Rule]
    /// Rules by phase, in file order, enabled only.
    public let rulesByPhase: [Phase: [Int]]
    /// Values that came from the environment: masked as `***` in output.
    public var secrets: Set<String>
    /// Warnings found while loading (the set is still valid).
    public var warnings: [RuleProblem]

    public init(
        settings: Settings, classes: [ClassDefinition], targets: [String: Target], rules: [Rule],
        secrets: Set<String> = [], warnings: [RuleProblem] = []
    ) {
        self.settings = settings
        self.classes = classes
        self.targets = targets
        self.rules = rules
        self.secrets = secrets
        self.warnings = warnings
        var index: [Phase: [Int]] = [:]
        for (i, r) in rules.enumerated() where r.enabled {
            for p in r.on { index[p, default: []].append(i) }
        }
        rulesByPhase = index
    }

    /// Replaces every secret value in `text` with `***`.
    public func mask(_ text: String) -> String {
        var out = text
        for s in secrets where !s.isEmpty { out = out.replacingAll(s, with: "***") }
        return out
    }
}

/// `[settings]`: number plan, time zone, defaults.
public struct Settings: Sendable {
    public var timezone = "UTC"
    public var countryCode: String?
    public var nationalPrefix = "0"
    public var internationalPrefix = "00"
    public var extensionDigits = 5
    public var ringtone = "default"

    public init() {}
}

/// A `[[class]]`: how the remote party is classified.
public struct ClassDefinition: Sendable {
    public var name: String
    /// nil for a configuration of a built-in class.
    public var when: Condition?
    public var ringtone: String?
    public var alertInfo: String?
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = Substring(self)
        while let r = rest.range(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        out += rest
        return out
    }
}

extension Substring {
    func range(of needle: String) -> Range<Index>? {
        guard let first = needle.first else { return nil }
        var i = startIndex
        while i < endIndex {
            if self[i] == first, self[i...].hasPrefix(needle) {
                return i..<index(i, offsetBy: needle.count)
            }
            i = index(after: i)
        }
        return nil
    }
}
