import Calls

/// Turns rule files into a checked `RuleSet`, collecting every problem
/// rather than stopping at the first.
///
/// Pure: it takes file contents and an environment, not paths to read, so
/// it is tested without a file system. `RuleFiles` reads a directory.
public struct RuleLoader {
    public struct File: Sendable {
        public var path: String
        public var text: String
        public init(path: String, text: String) {
            self.path = path
            self.text = text
        }
    }

    /// What an unset `{{env.NAME}}` is (see `Config.MissingEnvironment`).
    public typealias MissingEnvironment = Config.MissingEnvironment

    var env: EnvironmentResolver
    /// Reads a list file by path (relative paths are already resolved).
    let readFile: @Sendable (String) -> String?
    var problems: [RuleProblem] = []
    /// Where the key being read sits; problems without a position get it.
    var here: TOMLPosition?
    /// Where `[settings] timezone` is, for the check once all files are in.
    var timezonePosition: TOMLPosition?
    /// `webhook.target` / `workflow.target` names, checked once all files are in.
    var targetReferences: [(name: String, file: String, at: TOMLPosition?, subject: String, key: String)] = []
    /// Where each class's and rule's `when` is, for reference checks.
    var conditionPositions: [String: TOMLPosition] = [:]

    var settings = Settings()
    var settingsFile: String?
    var classes: [ClassDefinition] = []
    var classFiles: [String: String] = [:]
    var lists: [String: NumberList] = [:]
    var schedules: [String: Schedule] = [:]
    var lookup: LookupSettings?
    var lookupFile: String?
    var targets: [String: Target] = [:]
    var rules: [Rule] = []
    var names: [String: String] = [:]  // "kind name" -> file

    public init(
        environment: [String: String], missingEnvironment: MissingEnvironment = .error,
        readFile: @escaping @Sendable (String) -> String? = { _ in nil }
    ) {
        self.env = EnvironmentResolver(environment: environment, missing: missingEnvironment)
        self.readFile = readFile
    }

    /// Loads and checks files (in the order given; `RuleFiles` sorts them).
    public static func load(
        _ files: [File], environment: [String: String], missingEnvironment: MissingEnvironment = .error,
        readFile: @escaping @Sendable (String) -> String? = { _ in nil }
    ) -> Result<RuleSet, RuleLoadError> {
        var loader = RuleLoader(environment: environment, missingEnvironment: missingEnvironment, readFile: readFile)
        var docs: [(File, TOMLTable)] = []
        for f in files {
            do {
                docs.append((f, try TOMLNode.parse(f.text)))
            } catch {
                loader.report(RuleProblem(file: f.path, line: error.line, column: error.column, message: error.message))
            }
        }
        // [settings] first, wherever it is: numbers in every file depend on it.
        for (f, doc) in docs {
            guard let s = doc["settings"] else { continue }
            loader.here = doc.position(of: "settings")
            loader.loadSettings(s, file: f.path)
        }
        for (f, doc) in docs { loader.add(doc, file: f) }
        return loader.finish()
    }

    mutating func add(_ doc: TOMLTable, file: File) {
        // Classes and rules keep file order; tables are independent of it.
        let known = RuleFileKeys.top
        var r = reader(doc, file: file.path, subject: nil)
        for key in known {
            guard let value = r.value(key) else { continue }
            here = r.position(of: key)
            switch key {
            case "settings": break
            case "class":
                for (i, c) in arrayOfTables(value, file: file.path, key: "class").enumerated() {
                    here = c.position
                    loadClass(c, index: i, file: file.path)
                }
            case "target":
                for (name, def, at) in namedTables(value, key: "target", plural: "targets", file: file.path) {
                    here = at
                    loadTarget(name, def, file: file.path)
                }
            case "rule":
                for (i, t) in arrayOfTables(value, file: file.path, key: "rule").enumerated() {
                    here = t.position
                    loadRule(t, index: i, file: file.path)
                }
            case "list":
                for (name, def, at) in namedTables(value, key: "list", plural: "lists", file: file.path) {
                    here = at
                    loadList(name, def, file: file.path)
                }
            case "schedule":
                for (name, def, at) in namedTables(value, key: "schedule", plural: "schedules", file: file.path) {
                    here = at
                    loadSchedule(name, def, file: file.path)
                }
            case "lookup": loadLookup(value, file: file.path)
            default: break
            }
        }
        r.finish(known: known)
        absorb(r)
    }

    mutating func finish() -> Result<RuleSet, RuleLoadError> {
        // References are checked once every file is in.
        let classNames = Set(classes.map(\.name)).union(["internal", "anonymous", "external"])
        func check(_ when: Condition, file: String, subject: String) {
            let at = conditionPositions["\(file)|\(subject)"]
            let refs = when.references
            for c in refs.classes where !classNames.contains(c) {
                report(
                    RuleProblem(
                        file: file, at: at, subject: subject, key: "when.class",
                        message: "unknown class `\(c)`" + suggestion(c, Array(classNames))))
            }
            for l in refs.lists where lists[l] == nil {
                report(
                    RuleProblem(
                        file: file, at: at, subject: subject, key: "when",
                        message: "unknown list `\(l)`" + suggestion(l, Array(lists.keys))))
            }
            for sc in refs.schedules where schedules[sc] == nil {
                report(
                    RuleProblem(
                        file: file, at: at, subject: subject, key: "when",
                        message: "unknown schedule `\(sc)`" + suggestion(sc, Array(schedules.keys))))
            }
        }
        for c in classes {
            if let when = c.when { check(when, file: classFiles[c.name] ?? "", subject: "class \"\(c.name)\"") }
        }
        for ref in targetReferences where targets[ref.name] == nil {
            report(
                RuleProblem(
                    file: ref.file, at: ref.at, subject: ref.subject, key: ref.key,
                    message: "unknown target `\(ref.name)`" + suggestion(ref.name, Array(targets.keys))))
        }
        for rule in rules { check(rule.when, file: rule.file, subject: "rule \"\(rule.name)\"") }
        if settings.zone == nil {
            report(
                RuleProblem(
                    file: settingsFile ?? "", at: timezonePosition, subject: "settings", key: "timezone",
                    message: "`\(settings.timezone)` is not an IANA time zone name (like \"Europe/Berlin\")"))
        }
        let ordered = RuleProblem.ordered(problems)
        if ordered.contains(where: { $0.severity == .error }) { return .failure(RuleLoadError(problems: ordered)) }
        var set = RuleSet(
            settings: settings, classes: classes, targets: targets, rules: rules, secrets: env.secrets, warnings: ordered)
        set.lists = lists
        set.schedules = schedules
        set.lookup = lookup
        return .success(set)
    }

    /// Adds a problem; one without a position gets that of the key being read.
    mutating func report(_ p: RuleProblem) {
        var p = p
        if p.line == nil, let here {
            p.line = here.line
            p.column = here.column
        }
        problems.append(p)
    }
}
