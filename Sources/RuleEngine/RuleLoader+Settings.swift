extension RuleLoader {
    // MARK: - Tables

    /// `[KEY.NAME]` tables in name order; anything else is one problem.
    mutating func namedTables(_ value: TOMLNode, key: String, plural: String, file: String) -> [(
        String, TOMLNode, TOMLPosition
    )] {
        guard let t = value.table else {
            report(RuleProblem(file: file, key: key, message: "must be a table of \(plural) ([\(key).NAME])"))
            return []
        }
        return t.located.sorted(by: { $0.key < $1.key }).map { ($0.key, $0.value, $0.position) }
    }

    mutating func loadSettings(_ node: TOMLNode, file: String) {
        guard let t = table(node, file: file, subject: nil, key: "settings") else { return }
        if let other = settingsFile {
            report(RuleProblem(file: file, key: "settings", message: "[settings] is already defined in \(other)"))
            return
        }
        settingsFile = file
        let subject = "settings"
        var r = reader(t, file: file, subject: subject)
        r.forEach(known: RuleFileKeys.settings) { k, v, at in
            here = at
            switch k {
            case "timezone":
                timezonePosition = at
                if let s = string(v, file: file, subject: subject, key: k) { settings.timezone = s }
            case "country_code": settings.countryCode = string(v, file: file, subject: subject, key: k)
            case "national_prefix": if let s = string(v, file: file, subject: subject, key: k) { settings.nationalPrefix = s }
            case "international_prefix":
                if let s = string(v, file: file, subject: subject, key: k) { settings.internationalPrefix = s }
            case "extension_digits":
                if let i = int(v, in: Limits.extensionDigits, file: file, subject: subject, key: k) {
                    settings.extensionDigits = i
                }
            case "ringtone": if let s = string(v, file: file, subject: subject, key: k) { settings.ringtone = s }
            default: break
            }
        }
        absorb(r)
    }

    mutating func loadClass(_ t: TOMLTable, index: Int, file: String) {
        guard let name = t["name"]?.string else {
            report(RuleProblem(file: file, subject: "class #\(index + 1)", key: "name", message: "is required"))
            return
        }
        let subject = "class \"\(name)\""
        here = t.position(of: "name") ?? t.position
        checkName(name, kind: "class", file: file, subject: subject)
        conditionPositions["\(file)|\(subject)"] = t.position(of: "when") ?? t.position
        var def = ClassDefinition(name: name, when: nil, ringtone: nil, alertInfo: nil)
        var r = reader(t, file: file, subject: subject)
        r.forEach(known: RuleFileKeys.classDefinition) { k, v, at in
            here = at
            switch k {
            case "name": break
            case "when": def.when = condition(v, file: file, subject: subject, key: "when")
            case "ringtone": def.ringtone = string(v, file: file, subject: subject, key: k)
            case "alert_info": def.alertInfo = string(v, file: file, subject: subject, key: k)
            default: break
            }
        }
        absorb(r)
        here = t.position(of: "when") ?? t.position
        let builtin = ["internal", "anonymous", "external"].contains(name)
        if builtin && def.when != nil {
            report(
                RuleProblem(
                    file: file, subject: subject, key: "when",
                    message: "a built-in class takes no `when`; it can only set ringtone and alert_info"))
        }
        if !builtin && def.when == nil {
            report(
                RuleProblem(file: file, subject: subject, key: "when", message: "is required for a class that is not built in"))
        }
        if def.when?.usedKeys.contains("class") == true {
            report(
                RuleProblem(file: file, subject: subject, key: "when.class", message: "a class cannot depend on a class"))
        }
        classes.append(def)
        classFiles[name] = file
    }
}
