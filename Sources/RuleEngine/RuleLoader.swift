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

    let environment: [String: String]
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

    let missingEnvironment: MissingEnvironment
    /// Reads a list file by path (relative paths are already resolved).
    let readFile: @Sendable (String) -> String?
    var problems: [RuleProblem] = []
    var secrets: Set<String> = []

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
        self.environment = environment
        self.missingEnvironment = missingEnvironment
        self.readFile = readFile
    }

    /// Loads and checks files (in the order given; `RuleFiles` sorts them).
    public static func load(
        _ files: [File], environment: [String: String], missingEnvironment: MissingEnvironment = .error,
        readFile: @escaping @Sendable (String) -> String? = { _ in nil }
    ) -> Result<RuleSet, RuleLoadError> {
        var loader = RuleLoader(environment: environment, missingEnvironment: missingEnvironment, readFile: readFile)
        var docs: [(File, [String: TOMLNode])] = []
        for f in files {
            do {
                docs.append((f, try TOMLNode.parse(f.text)))
            } catch {
                loader.problems.append(RuleProblem(file: f.path, line: error.line, column: error.column, message: error.message))
            }
        }
        // [settings] first, wherever it is: numbers in every file depend on it.
        for (f, doc) in docs { if let s = doc["settings"] { loader.loadSettings(s, file: f.path) } }
        for (f, doc) in docs { loader.add(doc, file: f) }
        return loader.finish()
    }

    mutating func add(_ doc: [String: TOMLNode], file: File) {
        // Classes and rules keep file order; tables are independent of it.
        let order = ["list", "schedule", "lookup", "target", "class", "rule"]
        for (key, value) in doc.sorted(by: {
            (order.firstIndex(of: $0.key) ?? 9, $0.key) < (order.firstIndex(of: $1.key) ?? 9, $1.key)
        }) {
            switch key {
            case "settings": break
            case "class":
                for (i, c) in arrayOfTables(value, file: file.path, key: "class").enumerated() {
                    loadClass(c, index: i, file: file.path)
                }
            case "target":
                for (name, def) in namedTables(value, key: "target", plural: "targets", file: file.path) {
                    loadTarget(name, def, file: file.path)
                }
            case "rule":
                for (i, r) in arrayOfTables(value, file: file.path, key: "rule").enumerated() {
                    loadRule(r, index: i, file: file.path)
                }
            case "list":
                for (name, def) in namedTables(value, key: "list", plural: "lists", file: file.path) {
                    loadList(name, def, file: file.path)
                }
            case "schedule":
                for (name, def) in namedTables(value, key: "schedule", plural: "schedules", file: file.path) {
                    loadSchedule(name, def, file: file.path)
                }
            case "lookup": loadLookup(value, file: file.path)
            default:
                unknownKey(
                    key, known: ["settings", "list", "class", "schedule", "target", "lookup", "rule"], file: file.path,
                    subject: nil)
            }
        }
    }

    mutating func finish() -> Result<RuleSet, RuleLoadError> {
        // References are checked once every file is in.
        let classNames = Set(classes.map(\.name)).union(["internal", "anonymous", "external"])
        func check(_ when: Condition, file: String, subject: String) {
            let refs = when.references
            for c in refs.classes where !classNames.contains(c) {
                problems.append(
                    RuleProblem(
                        file: file, subject: subject, key: "when.class",
                        message: "unknown class `\(c)`" + suggestion(c, Array(classNames))))
            }
            for l in refs.lists where lists[l] == nil {
                problems.append(
                    RuleProblem(
                        file: file, subject: subject, key: "when",
                        message: "unknown list `\(l)`" + suggestion(l, Array(lists.keys))))
            }
            for sc in refs.schedules where schedules[sc] == nil {
                problems.append(
                    RuleProblem(
                        file: file, subject: subject, key: "when",
                        message: "unknown schedule `\(sc)`" + suggestion(sc, Array(schedules.keys))))
            }
        }
        for c in classes {
            if let when = c.when { check(when, file: classFiles[c.name] ?? "", subject: "class \"\(c.name)\"") }
        }
        for rule in rules {
            let subject = "rule \"\(rule.name)\""
            for w in rule.webhooks where targets[w.target] == nil {
                problems.append(
                    RuleProblem(
                        file: rule.file, subject: subject, key: "webhook.target",
                        message: "unknown target `\(w.target)`" + suggestion(w.target, Array(targets.keys))))
            }
            for w in rule.workflows where targets[w.target] == nil {
                problems.append(
                    RuleProblem(
                        file: rule.file, subject: subject, key: "workflow.target",
                        message: "unknown target `\(w.target)`" + suggestion(w.target, Array(targets.keys))))
            }
            check(rule.when, file: rule.file, subject: subject)
            warnUnknownVariables(rule)
        }
        if settings.zone == nil {
            problems.append(
                RuleProblem(
                    file: settingsFile ?? "", subject: "settings", key: "timezone",
                    message: "`\(settings.timezone)` is not an IANA time zone name (like \"Europe/Berlin\")"))
        }
        let errors = problems.filter { $0.severity == .error }
        if !errors.isEmpty { return .failure(RuleLoadError(problems: problems)) }
        var set = RuleSet(
            settings: settings, classes: classes, targets: targets, rules: rules, secrets: secrets, warnings: problems)
        set.lists = lists
        set.schedules = schedules
        set.lookup = lookup
        return .success(set)
    }

    /// A template naming a variable that does not exist is a warning with the
    /// nearest valid name.
    mutating func warnUnknownVariables(_ rule: Rule) {
        var templates: [(String, TextTemplate)] = []
        for (i, w) in rule.webhooks.enumerated() {
            let k = rule.webhooks.count > 1 ? "webhook[\(i + 1)]" : "webhook"
            if let p = w.path { templates.append(("\(k).path", p)) }
            templates += w.query.map { ("\(k).query.\($0.0)", $0.1) }
            templates += w.headers.map { ("\(k).headers.\($0.0)", $0.1) }
            switch w.body {
            case .json(let j): templates += j.templates.map { ("\(k).json", $0) }
            case .form(let f): templates += f.map { ("\(k).form.\($0.0)", $0.1) }
            case .text(let t, _): templates.append(("\(k).body", t))
            case .none: break
            }
        }
        let known = Set(CallEngine.knownPaths)
        for (key, t) in templates {
            for path in t.variablePaths {
                if known.contains(path) || path.hasPrefix("call.vars.") || path.contains(".custom.") || path.hasPrefix("env.") {
                    continue
                }
                problems.append(
                    RuleProblem(
                        .warning, file: rule.file, subject: "rule \"\(rule.name)\"", key: key,
                        message: "unknown variable `\(path)`" + suggestion(path, CallEngine.knownPaths)))
            }
        }
    }

    // MARK: - Tables

    /// `[KEY.NAME]` tables in name order; anything else is one problem.
    mutating func namedTables(_ value: TOMLNode, key: String, plural: String, file: String) -> [(String, TOMLNode)] {
        guard let t = value.table else {
            problems.append(RuleProblem(file: file, key: key, message: "must be a table of \(plural) ([\(key).NAME])"))
            return []
        }
        return t.sorted(by: { $0.key < $1.key })
    }

    mutating func loadSettings(_ node: TOMLNode, file: String) {
        guard let t = table(node, file: file, subject: nil, key: "settings") else { return }
        if let other = settingsFile {
            problems.append(RuleProblem(file: file, key: "settings", message: "[settings] is already defined in \(other)"))
            return
        }
        settingsFile = file
        let subject = "settings"
        for (k, v) in t {
            switch k {
            case "timezone": if let s = string(v, file: file, subject: subject, key: k) { settings.timezone = s }
            case "country_code": settings.countryCode = string(v, file: file, subject: subject, key: k)
            case "national_prefix": if let s = string(v, file: file, subject: subject, key: k) { settings.nationalPrefix = s }
            case "international_prefix":
                if let s = string(v, file: file, subject: subject, key: k) { settings.internationalPrefix = s }
            case "extension_digits":
                if let i = v.int, i > 0 {
                    settings.extensionDigits = i
                } else {
                    problems.append(RuleProblem(file: file, subject: subject, key: k, message: "must be a positive integer"))
                }
            case "ringtone": if let s = string(v, file: file, subject: subject, key: k) { settings.ringtone = s }
            default:
                unknownKey(
                    k,
                    known: [
                        "timezone", "country_code", "national_prefix", "international_prefix", "extension_digits", "ringtone",
                    ],
                    file: file, subject: subject)
            }
        }
    }

    mutating func loadClass(_ t: [String: TOMLNode], index: Int, file: String) {
        guard let name = t["name"]?.string else {
            problems.append(RuleProblem(file: file, subject: "class #\(index + 1)", key: "name", message: "is required"))
            return
        }
        let subject = "class \"\(name)\""
        checkName(name, kind: "class", file: file, subject: subject)
        var def = ClassDefinition(name: name, when: nil, ringtone: nil, alertInfo: nil)
        for (k, v) in t {
            switch k {
            case "name": break
            case "when": def.when = condition(v, file: file, subject: subject, key: "when")
            case "ringtone": def.ringtone = string(v, file: file, subject: subject, key: k)
            case "alert_info": def.alertInfo = string(v, file: file, subject: subject, key: k)
            default: unknownKey(k, known: ["name", "when", "ringtone", "alert_info"], file: file, subject: subject)
            }
        }
        let builtin = ["internal", "anonymous", "external"].contains(name)
        if builtin && def.when != nil {
            problems.append(
                RuleProblem(
                    file: file, subject: subject, key: "when",
                    message: "a built-in class takes no `when`; it can only set ringtone and alert_info"))
        }
        if !builtin && def.when == nil {
            problems.append(
                RuleProblem(file: file, subject: subject, key: "when", message: "is required for a class that is not built in"))
        }
        if def.when?.usedKeys.contains("class") == true {
            problems.append(
                RuleProblem(file: file, subject: subject, key: "when.class", message: "a class cannot depend on a class"))
        }
        classes.append(def)
        classFiles[name] = file
    }

    mutating func loadTarget(_ name: String, _ node: TOMLNode, file: String) {
        let subject = "target \"\(name)\""
        checkName(name, kind: "target", file: file, subject: subject)
        guard let t = table(node, file: file, subject: subject, key: nil) else { return }
        guard let urlText = t["url"].flatMap({ string($0, file: file, subject: subject, key: "url") }) else {
            if t["url"] == nil { problems.append(RuleProblem(file: file, subject: subject, key: "url", message: "is required")) }
            return
        }
        guard let url = template(urlText, .url, file: file, subject: subject, key: "url", rawURL: true) else { return }
        var target = Target(
            name: name, url: url, method: "POST", headers: [], timeout: .seconds(10), connectTimeout: .seconds(3),
            retry: RetrySettings(), concurrency: 16, ratePerSecond: nil, signingSecret: nil, tlsVerify: true, caFile: nil,
            userIDs: [:])
        for (k, v) in t {
            switch k {
            case "url": break
            case "method": if let m = string(v, file: file, subject: subject, key: k) { target.method = m.uppercased() }
            case "headers": target.headers = templateTable(v, .header, file: file, subject: subject, key: k)
            case _ where targetKey(k, v, into: &target, file: file, subject: subject, prefix: ""): break
            default:
                unknownKey(
                    k,
                    known: [
                        "url", "method", "headers", "timeout", "connect_timeout", "retry", "concurrency", "rate",
                        "signing_secret", "tls_verify", "ca_file", "user_ids",
                    ],
                    file: file, subject: subject)
            }
        }
        targets[name] = target
    }

    static let targetOnlyKeys = [
        "timeout", "connect_timeout", "retry", "concurrency", "rate", "signing_secret", "tls_verify", "ca_file", "user_ids",
    ]

    /// The keys a target and an inline webhook target share; false for any other key.
    mutating func targetKey(
        _ k: String, _ v: TOMLNode, into target: inout Target, file: String, subject: String, prefix: String
    ) -> Bool {
        let key = prefix + k
        switch k {
        case "timeout": if let d = duration(v, file: file, subject: subject, key: key) { target.timeout = d }
        case "connect_timeout": if let d = duration(v, file: file, subject: subject, key: key) { target.connectTimeout = d }
        case "retry": loadRetry(v, into: &target.retry, file: file, subject: subject)
        case "concurrency":
            if let i = v.int, i > 0 {
                target.concurrency = i
            } else {
                problems.append(RuleProblem(file: file, subject: subject, key: key, message: "must be a positive integer"))
            }
        case "rate":
            if let s = string(v, file: file, subject: subject, key: key) {
                if let r = DurationParser.parseRate(s) {
                    target.ratePerSecond = r
                } else {
                    problems.append(
                        RuleProblem(file: file, subject: subject, key: key, message: "must look like \"20/s\" or \"100/m\""))
                }
            }
        case "signing_secret":
            target.signingSecret = string(v, file: file, subject: subject, key: key).map {
                resolveEnv($0, file: file, subject: subject, key: key)
            }
        case "tls_verify":
            if let b = v.bool {
                target.tlsVerify = b
            } else {
                problems.append(RuleProblem(file: file, subject: subject, key: key, message: "must be true or false"))
            }
        case "ca_file":
            target.caFile = string(v, file: file, subject: subject, key: key).map {
                $0.hasPrefix("/") ? $0 : Self.directory(of: file) + $0
            }
        case "user_ids":
            for (ext, id) in v.table ?? [:] { target.userIDs[ext] = id.string }
        default: return false
        }
        return true
    }

    mutating func loadRetry(_ node: TOMLNode, into retry: inout RetrySettings, file: String, subject: String) {
        guard let t = table(node, file: file, subject: subject, key: "retry") else { return }
        for (k, v) in t {
            let key = "retry.\(k)"
            switch k {
            case "attempts":
                if let i = v.int, i > 0 {
                    retry.attempts = i
                } else {
                    problems.append(RuleProblem(file: file, subject: subject, key: key, message: "must be a positive integer"))
                }
            case "initial": if let d = duration(v, file: file, subject: subject, key: key) { retry.initial = d }
            case "max": if let d = duration(v, file: file, subject: subject, key: key) { retry.max = d }
            case "factor":
                switch v {
                case .double(let d) where d >= 1: retry.factor = d
                case .int(let i) where i >= 1: retry.factor = Double(i)
                default: problems.append(RuleProblem(file: file, subject: subject, key: key, message: "must be a number ≥ 1"))
                }
            default:
                unknownKey(k, known: ["attempts", "initial", "factor", "max"], file: file, subject: subject, prefix: "retry.")
            }
        }
    }

    mutating func loadRule(_ t: [String: TOMLNode], index: Int, file: String) {
        guard let name = t["name"]?.string else {
            problems.append(RuleProblem(file: file, subject: "rule #\(index + 1)", key: "name", message: "is required"))
            return
        }
        let subject = "rule \"\(name)\""
        checkName(name, kind: "rule", file: file, subject: subject)
        var rule = Rule(
            name: name, on: [], when: Condition(), ringtone: nil, stop: false, enabled: true, webhooks: [], file: file)
        if t["on"] == nil { problems.append(RuleProblem(file: file, subject: subject, key: "on", message: "is required")) }
        for (k, v) in t {
            switch k {
            case "name": break
            case "on":
                for s in strings(v, file: file, subject: subject, key: k) {
                    if let p = Phase(rawValue: s) {
                        rule.on.insert(p)
                    } else {
                        problems.append(
                            RuleProblem(
                                file: file, subject: subject, key: k,
                                message: "unknown phase `\(s)`" + suggestion(s, Phase.allCases.map(\.rawValue))))
                    }
                }
            case "when": rule.when = condition(v, file: file, subject: subject, key: "when") ?? Condition()
            case "ringtone": rule.ringtone = string(v, file: file, subject: subject, key: k)
            case "stop": rule.stop = v.bool ?? false
            case "enabled": rule.enabled = v.bool ?? true
            case "webhook":
                for (i, w) in arrayOfTables(v, file: file, key: "webhook", subject: subject).enumerated() {
                    if let hook = webhook(w, file: file, subject: subject, index: i, ruleName: name) {
                        rule.webhooks.append(hook)
                    }
                }
            case "workflow":
                for w in arrayOfTables(v, file: file, key: "workflow", subject: subject) {
                    if let flow = workflow(w, file: file, subject: subject) { rule.workflows.append(flow) }
                }
            default:
                unknownKey(
                    k, known: ["name", "on", "when", "ringtone", "stop", "enabled", "webhook", "workflow"], file: file,
                    subject: subject)
            }
        }
        checkPhases(rule, file: file, subject: subject)
        rules.append(rule)
    }

    mutating func workflow(_ w: [String: TOMLNode], file: String, subject: String) -> Workflow? {
        var target: String?
        var flowName: String?
        for (k, v) in w.sorted(by: { $0.key < $1.key }) {
            switch k {
            case "target": target = string(v, file: file, subject: subject, key: "workflow.target")
            case "name": flowName = string(v, file: file, subject: subject, key: "workflow.name")
            default: unknownKey(k, known: ["target", "name"], file: file, subject: subject, prefix: "workflow.")
            }
        }
        guard let target, let flowName else {
            problems.append(RuleProblem(file: file, subject: subject, key: "workflow", message: "needs `target` and `name`"))
            return nil
        }
        return Workflow(target: target, name: flowName)
    }

    mutating func webhook(_ t: [String: TOMLNode], file: String, subject: String, index: Int, ruleName: String) -> Webhook? {
        let key = "webhook"
        // A webhook names a target, or has `url` and the target keys inline.
        var inline: Target?
        let target: String
        if let urlNode = t["url"] {
            if t["target"] != nil {
                problems.append(
                    RuleProblem(file: file, subject: subject, key: "webhook", message: "has both `target` and `url`; use one"))
                return nil
            }
            guard let urlText = string(urlNode, file: file, subject: subject, key: "webhook.url"),
                let url = template(urlText, .url, file: file, subject: subject, key: "webhook.url", rawURL: true)
            else { return nil }
            target = "\(ruleName).webhook\(index + 1)"
            inline = Target(
                name: target, url: url, method: "POST", headers: [], timeout: .seconds(10), connectTimeout: .seconds(3),
                retry: RetrySettings(), concurrency: 16, ratePerSecond: nil, signingSecret: nil, tlsVerify: true, caFile: nil,
                userIDs: [:])
        } else if let name = t["target"]?.string {
            target = name
        } else {
            problems.append(
                RuleProblem(
                    file: file, subject: subject, key: "webhook.target",
                    message: "is required (or `url` with the target keys inline)"))
            return nil
        }
        var hook = Webhook(target: target, path: nil, method: nil, query: [], headers: [], body: .none)
        var bodies: [String] = []
        var contentType: String?
        for (k, v) in t {
            let path = "\(key).\(k)"
            switch k {
            case "target": break
            case "path":
                hook.path = string(v, file: file, subject: subject, key: path).flatMap {
                    template($0, .url, file: file, subject: subject, key: path, rawURL: true)
                }
            case "method": hook.method = string(v, file: file, subject: subject, key: path)?.uppercased()
            case "query": hook.query = templateTable(v, .url, file: file, subject: subject, key: path)
            case "headers": hook.headers = templateTable(v, .header, file: file, subject: subject, key: path)
            case "json":
                bodies.append(k)
                if let j = jsonTemplate(v, file: file, subject: subject, key: path) { hook.body = .json(j) }
            case "form":
                bodies.append(k)
                hook.body = .form(templateTable(v, .form, file: file, subject: subject, key: path))
            case "body": bodies.append(k)
            case "content_type": contentType = string(v, file: file, subject: subject, key: path)
            case "capture":
                for (name, field) in (table(v, file: file, subject: subject, key: path) ?? [:]) {
                    if let f = string(field, file: file, subject: subject, key: "\(path).\(name)") { hook.capture[name] = f }
                }
            case "url": break
            case _ where inline != nil && targetKey(k, v, into: &inline!, file: file, subject: subject, prefix: "webhook."): break
            default:
                unknownKey(
                    k,
                    known: [
                        "target", "url", "path", "method", "query", "headers", "json", "form", "body", "content_type", "capture",
                    ] + (inline != nil ? Self.targetOnlyKeys : []),
                    file: file, subject: subject, prefix: "webhook.")
            }
        }
        if let inline { targets[inline.name] = inline }
        if bodies.count > 1 {
            problems.append(
                RuleProblem(
                    file: file, subject: subject, key: key,
                    message: "has \(bodies.joined(separator: " and ")); a webhook takes at most one body"))
        }
        if bodies == ["body"] {
            let ct = contentType ?? "text/plain"
            if let text = t["body"].flatMap({ string($0, file: file, subject: subject, key: "webhook.body") }),
                let tpl = template(text, Escaping.forBody(contentType: ct), file: file, subject: subject, key: "webhook.body")
            {
                hook.body = .text(tpl, contentType: ct)
            }
        }
        return hook
    }

    // MARK: - Conditions

    static let conditionKeys = [
        "direction", "class", "extension", "caller", "callee", "remote", "customer", "answered", "cause", "min_duration",
        "max_duration", "min_ring", "during", "outside", "line", "presence", "previous_line", "previous_presence", "match", "not",
        "any",
    ]

    mutating func condition(_ node: TOMLNode, file: String, subject: String, key: String) -> Condition? {
        guard let t = table(node, file: file, subject: subject, key: key) else { return nil }
        var c = Condition()
        for (k, v) in t.sorted(by: { $0.key < $1.key }) {
            let path = "\(key).\(k)"
            switch k {
            case "direction":
                c.direction = strings(v, file: file, subject: subject, key: path).compactMap { s in
                    if let d = Direction(rawValue: s) { return d }
                    problems.append(
                        RuleProblem(
                            file: file, subject: subject, key: path, message: "must be \"inbound\" or \"outbound\", not `\(s)`"))
                    return nil
                }
            case "class": c.classes = strings(v, file: file, subject: subject, key: path)
            case "extension":
                c.extensions = strings(v, file: file, subject: subject, key: path).compactMap { s in
                    let digits = s.hasSuffix("*") ? String(s.dropLast()) : s
                    guard !digits.isEmpty, digits.allSatisfy(\.isNumber) else {
                        problems.append(
                            RuleProblem(
                                file: file, subject: subject, key: path,
                                message: "`\(s)` is not an extension pattern (like \"100\" or \"1*\")"))
                        return nil
                    }
                    return s.hasSuffix("*") ? .extensionPrefix(digits) : .extension(digits)
                }
            case "caller": c.caller = partyMatchers(v, file: file, subject: subject, key: path)
            case "callee": c.callee = partyMatchers(v, file: file, subject: subject, key: path)
            case "remote": c.remote = partyMatchers(v, file: file, subject: subject, key: path)
            case "customer": c.customers = strings(v, file: file, subject: subject, key: path)
            case "answered":
                if let b = v.bool {
                    c.answered = b
                } else {
                    problems.append(RuleProblem(file: file, subject: subject, key: path, message: "must be true or false"))
                }
            case "cause":
                c.causes = strings(v, file: file, subject: subject, key: path).compactMap { s in
                    if let e = EndCause(rawValue: s) { return e }
                    problems.append(
                        RuleProblem(
                            file: file, subject: subject, key: path,
                            message: "unknown cause `\(s)`" + suggestion(s, EndCause.allCases.map(\.rawValue))))
                    return nil
                }
            case "min_duration": c.minDuration = duration(v, file: file, subject: subject, key: path)
            case "max_duration": c.maxDuration = duration(v, file: file, subject: subject, key: path)
            case "min_ring": c.minRing = duration(v, file: file, subject: subject, key: path)
            case "during": c.during = strings(v, file: file, subject: subject, key: path)
            case "outside": c.outside = strings(v, file: file, subject: subject, key: path)
            case "line": c.line = enumStrings(v, Self.lineStates, file: file, subject: subject, key: path)
            case "previous_line": c.previousLine = enumStrings(v, Self.lineStates, file: file, subject: subject, key: path)
            case "presence": c.presence = enumStrings(v, Self.presences, file: file, subject: subject, key: path)
            case "previous_presence": c.previousPresence = enumStrings(v, Self.presences, file: file, subject: subject, key: path)
            case "match":
                guard let m = table(v, file: file, subject: subject, key: path) else { continue }
                for (variable, value) in m.sorted(by: { $0.key < $1.key }) {
                    let globs: [String]
                    switch value {
                    case .string(let s): globs = [s]
                    case .bool(let b): globs = [b ? "true" : "false"]
                    case .int(let i): globs = [String(i)]
                    case .array: globs = strings(value, file: file, subject: subject, key: "\(path).\(variable)")
                    default:
                        problems.append(
                            RuleProblem(
                                file: file, subject: subject, key: "\(path).\(variable)",
                                message: "must be a value or glob pattern(s)"))
                        continue
                    }
                    let vpath = variable.split(separator: ".").map(String.init)
                    let known =
                        CallEngine.knownPaths.contains(variable) || variable.contains(".custom.")
                        || variable.hasPrefix("call.vars.")
                    if !known {
                        problems.append(
                            RuleProblem(
                                .warning, file: file, subject: subject, key: "\(path).\(variable)",
                                message: "unknown variable `\(variable)`" + suggestion(variable, CallEngine.knownPaths)))
                    }
                    c.match.append((vpath, globs.map(Glob.init)))
                }
            case "not": if let n = condition(v, file: file, subject: subject, key: path) { c.not.append(n) }
            case "any":
                guard let items = v.array, !items.isEmpty else {
                    problems.append(
                        RuleProblem(file: file, subject: subject, key: path, message: "must be an array of condition tables"))
                    continue
                }
                c.any.append(items.compactMap { condition($0, file: file, subject: subject, key: path) })
            default:
                unknownKey(k, known: Self.conditionKeys, file: file, subject: subject, prefix: "\(key).")
            }
        }
        return c
    }

    static let lineStates = ["unknown", "offline", "idle", "ringing", "in-use"]
    static let presences = ["offline", "available", "away", "busy", "dnd", "null"]

    mutating func enumStrings(_ node: TOMLNode, _ allowed: [String], file: String, subject: String, key: String) -> [String] {
        strings(node, file: file, subject: subject, key: key).filter { s in
            if allowed.contains(s) { return true }
            problems.append(
                RuleProblem(file: file, subject: subject, key: key, message: "unknown value `\(s)`" + suggestion(s, allowed)))
            return false
        }
    }

    /// Number pattern(s), `{ list = "NAME" }` or `{ regex = "..." }`, alone or in an array.
    mutating func partyMatchers(_ node: TOMLNode, file: String, subject: String, key: String) -> [PartyMatcher] {
        let items: [TOMLNode] = node.array ?? [node]
        var out: [PartyMatcher] = []
        for item in items {
            switch item {
            case .string(let s):
                if let p = NumberPattern.parse(s, settings: settings) {
                    out.append(.pattern(p))
                } else {
                    problems.append(
                        RuleProblem(file: file, subject: subject, key: key, message: "`\(s)` is not a number or number pattern"))
                }
            case .table(let t) where t.count == 1 && t["list"]?.string != nil:
                out.append(.list(t["list"]!.string!))
            case .table(let t) where t.count == 1 && t["regex"]?.string != nil:
                let source = t["regex"]!.string!
                do {
                    out.append(.regex(try CompiledRegex(source)))
                } catch {
                    problems.append(
                        RuleProblem(file: file, subject: subject, key: key, message: "invalid regex `\(source)`: \(error)"))
                }
            default:
                problems.append(
                    RuleProblem(
                        file: file, subject: subject, key: key,
                        message: "must be number pattern(s), { list = \"NAME\" } or { regex = \"...\" }"))
            }
        }
        return out
    }

    // MARK: - Lists, schedules, lookup

    mutating func loadList(_ name: String, _ node: TOMLNode, file: String) {
        let subject = "list \"\(name)\""
        checkName(name, kind: "list", file: file, subject: subject)
        guard let t = table(node, file: file, subject: subject, key: nil) else { return }
        var list = NumberList(name: name)
        for (k, v) in t.sorted(by: { $0.key < $1.key }) {
            switch k {
            case "numbers":
                for s in strings(v, file: file, subject: subject, key: k) {
                    if let p = NumberPattern.parse(s, settings: settings) {
                        list.insert(p)
                    } else {
                        problems.append(
                            RuleProblem(file: file, subject: subject, key: k, message: "`\(s)` is not a number or number pattern")
                        )
                    }
                }
            case "file":
                guard let rel = string(v, file: file, subject: subject, key: k) else { continue }
                let path = rel.hasPrefix("/") ? rel : Self.directory(of: file) + rel
                guard let text = readFile(path) else {
                    problems.append(RuleProblem(file: file, subject: subject, key: k, message: "cannot read \(path)"))
                    continue
                }
                var lineNumber = 0
                for line in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
                    lineNumber += 1
                    var entry = line
                    if let hash = entry.firstIndex(of: UInt8(ascii: "#")) { entry = entry[..<hash] }
                    // Fast path: most lines are a bare number.
                    if entry.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                    let raw = String(decoding: entry, as: UTF8.self)
                    if let p = NumberPattern.parse(raw, settings: settings) {
                        list.insert(p)
                    } else {
                        let trimmed = raw.trimmingCharacters()
                        problems.append(
                            RuleProblem(
                                file: path, line: lineNumber, column: 1,
                                message: "`\(trimmed.prefix(40))` is not a number or number pattern (list \"\(name)\")"))
                    }
                }
            default: unknownKey(k, known: ["numbers", "file"], file: file, subject: subject)
            }
        }
        lists[name] = list
    }

    static func directory(of file: String) -> String {
        guard let slash = file.lastIndex(of: "/") else { return "" }
        return String(file[...slash])
    }

    mutating func loadSchedule(_ name: String, _ node: TOMLNode, file: String) {
        let subject = "schedule \"\(name)\""
        checkName(name, kind: "schedule", file: file, subject: subject)
        guard let t = table(node, file: file, subject: subject, key: nil) else { return }
        var schedule = Schedule(name: name, windows: [], except: [])
        for (k, v) in t.sorted(by: { $0.key < $1.key }) {
            switch k {
            case "hours":
                for h in strings(v, file: file, subject: subject, key: k) {
                    if let w = Schedule.parseWindow(h) {
                        schedule.windows.append(w)
                    } else {
                        problems.append(
                            RuleProblem(
                                file: file, subject: subject, key: k,
                                message: "`\(h)` is not a time window (like \"Mon-Fri 08:00-18:00\")"))
                    }
                }
            case "except":
                for d in strings(v, file: file, subject: subject, key: k) {
                    if let day = Schedule.parseDay(d) {
                        schedule.except.insert(day)
                    } else {
                        problems.append(
                            RuleProblem(
                                file: file, subject: subject, key: k, message: "`\(d)` is not a date (like \"2026-12-24\")"))
                    }
                }
            default: unknownKey(k, known: ["hours", "except"], file: file, subject: subject)
            }
        }
        if t["hours"] == nil { problems.append(RuleProblem(file: file, subject: subject, key: "hours", message: "is required")) }
        schedules[name] = schedule
    }

    mutating func loadLookup(_ node: TOMLNode, file: String) {
        let subject = "lookup"
        guard let t = table(node, file: file, subject: nil, key: "lookup") else { return }
        if let other = lookupFile {
            problems.append(RuleProblem(file: file, key: "lookup", message: "[lookup] is already defined in \(other)"))
            return
        }
        lookupFile = file
        guard let urlText = t["url"].flatMap({ string($0, file: file, subject: subject, key: "url") }),
            let url = template(urlText, .url, file: file, subject: subject, key: "url", rawURL: true)
        else {
            if t["url"] == nil { problems.append(RuleProblem(file: file, subject: subject, key: "url", message: "is required")) }
            return
        }
        var l = LookupSettings(url: url)
        for (k, v) in t.sorted(by: { $0.key < $1.key }) {
            switch k {
            case "url": break
            case "headers": l.headers = templateTable(v, .header, file: file, subject: subject, key: k)
            case "timeout": if let d = duration(v, file: file, subject: subject, key: k) { l.timeout = d }
            case "cache": if let d = duration(v, file: file, subject: subject, key: k) { l.cache = d }
            case "number_format":
                if let f = enumStrings(v, ["digits", "e164", "national"], file: file, subject: subject, key: k).first {
                    l.numberFormat = f
                }
            default: unknownKey(k, known: ["url", "headers", "timeout", "cache", "number_format"], file: file, subject: subject)
            }
        }
        lookup = l
    }

    /// A condition key that cannot apply to a phase in `on` is an error.
    mutating func checkPhases(_ rule: Rule, file: String, subject: String) {
        for key in rule.when.usedKeys.sorted() {
            guard let allowed = Condition.phasesOfKey[key] else { continue }
            if let p = rule.on.subtracting(allowed).map(\.rawValue).sorted().first {
                let names = allowed.map(\.rawValue).sorted().joined(separator: ", ")
                problems.append(
                    RuleProblem(
                        file: file, subject: subject, key: "when.\(key)",
                        message: "cannot apply to phase `\(p)` (only to \(names))"))
            }
        }
    }

    // MARK: - Values

    mutating func table(_ node: TOMLNode, file: String, subject: String?, key: String?) -> [String: TOMLNode]? {
        if let t = node.table { return t }
        problems.append(RuleProblem(file: file, subject: subject, key: key, message: "must be a table, not \(node.kindName)"))
        return nil
    }

    mutating func arrayOfTables(_ node: TOMLNode, file: String, key: String, subject: String? = nil) -> [[String: TOMLNode]] {
        if let a = node.array {
            var out: [[String: TOMLNode]] = []
            for item in a {
                if let t = item.table {
                    out.append(t)
                } else {
                    problems.append(
                        RuleProblem(file: file, subject: subject, key: key, message: "must be an array of tables ([[\(key)]])"))
                }
            }
            return out
        }
        if let t = node.table { return [t] }
        problems.append(RuleProblem(file: file, subject: subject, key: key, message: "must be an array of tables ([[\(key)]])"))
        return []
    }

    mutating func string(_ node: TOMLNode, file: String, subject: String?, key: String) -> String? {
        if let s = node.string { return s }
        problems.append(RuleProblem(file: file, subject: subject, key: key, message: "must be a string, not \(node.kindName)"))
        return nil
    }

    /// A string or an array of strings.
    mutating func strings(_ node: TOMLNode, file: String, subject: String, key: String) -> [String] {
        if let s = node.string { return [s] }
        if let a = node.array {
            return a.compactMap { string($0, file: file, subject: subject, key: key) }
        }
        problems.append(RuleProblem(file: file, subject: subject, key: key, message: "must be a string or an array of strings"))
        return []
    }

    mutating func duration(_ node: TOMLNode, file: String, subject: String, key: String) -> Duration? {
        guard let s = string(node, file: file, subject: subject, key: key) else { return nil }
        if let d = DurationParser.parse(s) { return d }
        problems.append(
            RuleProblem(
                file: file, subject: subject, key: key, message: "`\(s)` is not a duration (like \"800ms\", \"10s\", \"2m\")"))
        return nil
    }

    mutating func template(
        _ text: String, _ escaping: Escaping, file: String, subject: String, key: String, rawURL: Bool = false
    ) -> TextTemplate? {
        let resolved = resolveEnv(text, file: file, subject: subject, key: key, escaping: rawURL ? .none : escaping)
        do {
            return try TextTemplate(resolved, escaping: escaping)
        } catch {
            problems.append(RuleProblem(file: file, subject: subject, key: key, message: "invalid template: \(error)"))
            return nil
        }
    }

    mutating func templateTable(_ node: TOMLNode, _ escaping: Escaping, file: String, subject: String, key: String) -> [(
        String, TextTemplate
    )] {
        guard let t = table(node, file: file, subject: subject, key: key) else { return [] }
        var out: [(String, TextTemplate)] = []
        for (k, v) in t.sorted(by: { $0.key < $1.key }) {
            let text: String
            switch v {
            case .string(let s): text = s
            case .int(let i): text = String(i)
            case .bool(let b): text = String(b)
            case .double(let d): text = String(d)
            default:
                problems.append(
                    RuleProblem(file: file, subject: subject, key: "\(key).\(k)", message: "must be a string, not \(v.kindName)"))
                continue
            }
            if let tpl = template(text, escaping, file: file, subject: subject, key: "\(key).\(k)") { out.append((k, tpl)) }
        }
        return out
    }

    mutating func jsonTemplate(_ node: TOMLNode, file: String, subject: String, key: String) -> JSONTemplate? {
        switch node {
        case .table(let t):
            return .object(
                t.sorted(by: { $0.key < $1.key }).compactMap { k, v in
                    jsonTemplate(v, file: file, subject: subject, key: "\(key).\(k)").map { (k, $0) }
                })
        case .array(let a): return .array(a.compactMap { jsonTemplate($0, file: file, subject: subject, key: key) })
        case .string(let s): return template(s, .none, file: file, subject: subject, key: key).map { .string($0) }
        case .int(let i): return .literal(.int(i))
        case .double(let d): return .literal(.double(d))
        case .bool(let b): return .literal(.bool(b))
        case .datetime(let s): return .literal(.string(s))
        }
    }

    /// Replaces `{{env.NAME}}` / `{{{env.NAME}}}` with the variable's value
    /// (escaped for where it lands), remembering the value as a secret.
    mutating func resolveEnv(_ text: String, file: String, subject: String, key: String, escaping: Escaping = .none) -> String {
        guard text.contains("env.") else { return text }
        var out = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            out += rest[..<open.lowerBound]
            let after = rest[open.upperBound...]
            let triple = after.hasPrefix("{")
            let body = triple ? after.dropFirst() : after
            let closer = triple ? "}}}" : "}}"
            guard let close = body.range(of: closer) else {
                out += rest[open.lowerBound...]
                rest = rest[rest.endIndex...]
                break
            }
            let name = body[..<close.lowerBound].trimmingCharacters()
            if name.hasPrefix("env.") {
                let variable = String(name.dropFirst(4))
                if let value = environment[variable] {
                    secrets.insert(value)
                    out += triple ? value : escaping.escape(value)
                } else {
                    switch missingEnvironment {
                    case .error:
                        problems.append(
                            RuleProblem(
                                file: file, subject: subject, key: key, message: "environment variable \(variable) is not set"))
                    case .warning:
                        problems.append(
                            RuleProblem(
                                .warning, file: file, subject: subject, key: key,
                                message:
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
        return out
    }

    mutating func checkName(_ name: String, kind: String, file: String, subject: String) {
        let valid =
            name.first.map { $0.isASCII && ($0.isLowercase || $0.isNumber) } == true
            && name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || "_.-".contains($0)) }
        if !valid {
            problems.append(RuleProblem(file: file, subject: subject, message: "name must match [a-z0-9][a-z0-9_.-]*"))
        }
        let id = "\(kind) \(name)"
        if let other = names[id], !(kind == "class" && ["internal", "anonymous", "external"].contains(name) && other.isEmpty) {
            problems.append(RuleProblem(file: file, subject: subject, message: "is already defined in \(other)"))
        }
        names[id] = file
    }

    mutating func unknownKey(_ key: String, known: [String], file: String, subject: String?, prefix: String = "") {
        problems.append(
            RuleProblem(file: file, subject: subject, key: prefix + key, message: "unknown key" + suggestion(key, known)))
    }
}

/// `; did you mean `x`?` when a known name is close to the one given.
func suggestion(_ given: String, _ known: [String]) -> String {
    let scored = known.map { ($0, editDistance(given, $0)) }.filter { $0.1 <= max(2, given.count / 3) }
    guard let best = scored.min(by: { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }) else { return "" }
    return "; did you mean `\(best.0)`?"
}

func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var prev = Array(0...b.count)
    var cur = prev
    for i in 1...a.count {
        cur[0] = i
        for j in 1...b.count {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&prev, &cur)
    }
    return prev[b.count]
}
