import Calls

#if canImport(FoundationEssentials)
    import FoundationEssentials
    // Named time zones (`Europe/Berlin`) come from ICU.
    import FoundationInternationalization
#else
    import Foundation
#endif

/// A loaded, checked rule set: what the engine runs.
public struct RuleSet: Sendable {
    public var settings: Settings
    public var lists: [String: NumberList] = [:]
    public var schedules: [String: Schedule] = [:]
    public var lookup: LookupSettings?
    public var classes: [ClassDefinition]
    public var targets: [String: Target]
    public var rules: [Rule]
    /// Rules by phase, in file order, enabled only.
    public private(set) var rulesByPhase: [Phase: [Int]]
    /// The same rules, indexed by their most selective condition.
    private(set) var indexByPhase: [Phase: RuleIndex] = [:]
    /// Values that came from the environment: masked as `***` in output.
    public var secrets: Set<String>
    /// Warnings found while loading (the set is still valid).
    public var warnings: [RuleProblem]
    /// Every `call.vars` name some webhook captures.
    public private(set) var captureNames: Set<String> = []

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
        rulesByPhase = Self.index(rules)
        indexByPhase = rulesByPhase.mapValues { RuleIndex(rules: rules, indices: $0) }
        captureNames = Self.captures(rules)
    }

    static func captures(_ rules: [Rule]) -> Set<String> {
        var names = Set(rules.flatMap { $0.webhooks.flatMap { $0.capture.keys } })
        if rules.contains(where: { !$0.workflows.isEmpty }) {
            names.formUnion([CallEngine.workflowIDVar, CallEngine.workflowURLVar])
        }
        return names
    }

    static func index(_ rules: [Rule]) -> [Phase: [Int]] {
        var index: [Phase: [Int]] = [:]
        for (i, r) in rules.enumerated() where r.enabled {
            for p in r.on { index[p, default: []].append(i) }
        }
        return index
    }

    /// The same set with the phase index rebuilt (after `rules` changed).
    public func reindexed() -> RuleSet {
        var copy = self
        copy.rulesByPhase = Self.index(rules)
        copy.indexByPhase = copy.rulesByPhase.mapValues { RuleIndex(rules: rules, indices: $0) }
        copy.captureNames = Self.captures(rules)
        return copy
    }

    /// An extension of the tenant: by its number context (the K-account) or,
    /// without one, by having at most `extension_digits` digits.
    public func isInternal(_ number: String, context: String?, customer: String) -> Bool {
        PhoneNumber.isInternal(number, context: context, customer: customer, settings: settings)
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
    public var timezone = "UTC" {
        didSet { zone = TimeZone(identifier: timezone) }
    }
    /// The resolved time zone (nil only for an invalid name, which is a load error).
    public private(set) var zone: TimeZone? = TimeZone(identifier: "UTC")
    public var countryCode: String?
    public var nationalPrefix = "0"
    public var internationalPrefix = "00"
    public var extensionDigits = 5
    public var ringtone = "default"

    public init() {}

    /// Seconds to add to UTC for local time at `t` (daylight saving included).
    public func utcOffset(at t: EventTime) -> Int {
        zone?.secondsFromGMT(for: Date(timeIntervalSince1970: Double(t.epochSeconds))) ?? 0
    }
}

/// `[lookup]`: the caller lookup service (peoplefone CONNECTOR protocol).
public struct LookupSettings: Sendable {
    public var url: TextTemplate
    public var headers: [(String, TextTemplate)] = []
    public var timeout: Duration = .milliseconds(800)
    public var cache: Duration = .seconds(600)
    public var numberFormat = "digits"
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
