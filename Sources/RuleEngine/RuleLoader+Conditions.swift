import Calls

extension RuleLoader {
    // MARK: - Conditions

    static let conditionKeys = RuleFileKeys.condition

    mutating func condition(_ node: TOMLNode, file: String, subject: String, key: String) -> Condition? {
        guard let t = table(node, file: file, subject: subject, key: key) else { return nil }
        var c = Condition()
        var r = reader(t, file: file, subject: subject, prefix: "\(key).")
        r.forEach(known: Self.conditionKeys, byName: true) { k, v, at in
            here = at
            let path = "\(key).\(k)"
            switch k {
            case "direction":
                c.direction = strings(v, file: file, subject: subject, key: path).compactMap { s in
                    if let d = Direction(rawValue: s) { return d }
                    report(
                        RuleProblem(
                            file: file, subject: subject, key: path, message: "must be \"inbound\" or \"outbound\", not `\(s)`"))
                    return nil
                }
            case "class": c.classes = strings(v, file: file, subject: subject, key: path)
            case "extension":
                c.extensions = strings(v, file: file, subject: subject, key: path).compactMap { s in
                    let digits = s.hasSuffix("*") ? String(s.dropLast()) : s
                    guard !digits.isEmpty, digits.allSatisfy(\.isNumber) else {
                        report(
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
                    report(RuleProblem(file: file, subject: subject, key: path, message: "must be true or false"))
                }
            case "cause":
                c.causes = strings(v, file: file, subject: subject, key: path).compactMap { s in
                    if let e = EndCause(rawValue: s) { return e }
                    report(
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
                guard let m = table(v, file: file, subject: subject, key: path) else { return }
                for (variable, value, at) in m.located.sorted(by: { $0.key < $1.key }) {
                    here = at
                    let globs: [String]
                    switch value {
                    case .string(let s): globs = [s]
                    case .bool(let b): globs = [b ? "true" : "false"]
                    case .int(let i): globs = [String(i)]
                    case .array: globs = strings(value, file: file, subject: subject, key: "\(path).\(variable)")
                    default:
                        report(
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
                        report(
                            RuleProblem(
                                .warning, file: file, subject: subject, key: "\(path).\(variable)",
                                message: "unknown variable `\(variable)`" + suggestion(variable, CallEngine.knownPaths)))
                    }
                    c.match.append((vpath, globs.map(Glob.init)))
                }
            case "not": if let n = condition(v, file: file, subject: subject, key: path) { c.not.append(n) }
            case "any":
                guard let items = v.array, !items.isEmpty else {
                    report(
                        RuleProblem(file: file, subject: subject, key: path, message: "must be an array of condition tables"))
                    return
                }
                c.any.append(items.compactMap { condition($0, file: file, subject: subject, key: path) })
            default: break
            }
        }
        absorb(r)
        return c
    }

    static let lineStates = ["unknown", "offline", "idle", "ringing", "in-use"]
    static let presences = ["offline", "available", "away", "busy", "dnd", "null"]

    mutating func enumStrings(_ node: TOMLNode, _ allowed: [String], file: String, subject: String, key: String) -> [String] {
        strings(node, file: file, subject: subject, key: key).filter { s in
            if allowed.contains(s) { return true }
            report(
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
                    report(
                        RuleProblem(file: file, subject: subject, key: key, message: "`\(s)` is not a number or number pattern"))
                }
            case .table(let t) where t.count == 1 && t["list"]?.string != nil:
                out.append(.list(t["list"]!.string!))
            case .table(let t) where t.count == 1 && t["regex"]?.string != nil:
                let source = t["regex"]!.string!
                do {
                    out.append(.regex(try CompiledRegex(source)))
                } catch {
                    report(
                        RuleProblem(file: file, subject: subject, key: key, message: "invalid regex `\(source)`: \(error)"))
                }
            default:
                report(
                    RuleProblem(
                        file: file, subject: subject, key: key,
                        message: "must be number pattern(s), { list = \"NAME\" } or { regex = \"...\" }"))
            }
        }
        return out
    }
}
