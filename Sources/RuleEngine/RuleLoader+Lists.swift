extension RuleLoader {
    // MARK: - Lists, schedules, lookup

    mutating func loadList(_ name: String, _ node: TOMLNode, file: String) {
        let subject = "list \"\(name)\""
        checkName(name, kind: "list", file: file, subject: subject)
        guard let t = table(node, file: file, subject: subject, key: nil) else { return }
        var list = NumberList(name: name)
        var r = reader(t, file: file, subject: subject)
        r.forEach(known: RuleFileKeys.list, byName: true) { k, v, at in
            here = at
            switch k {
            case "numbers":
                for s in strings(v, file: file, subject: subject, key: k) {
                    guard list.count < Limits.listEntries else {
                        report(RuleProblem(file: file, subject: subject, key: k, message: Limits.listTooLong))
                        break
                    }
                    if let p = NumberPattern.parse(s, settings: settings) {
                        list.insert(p)
                    } else {
                        report(
                            RuleProblem(file: file, subject: subject, key: k, message: "`\(s)` is not a number or number pattern")
                        )
                    }
                }
            case "file":
                guard let rel = string(v, file: file, subject: subject, key: k) else { return }
                let path = rel.hasPrefix("/") ? rel : Self.directory(of: file) + rel
                guard var text = readFile(path) else {
                    report(RuleProblem(file: file, subject: subject, key: k, message: "cannot read \(path)"))
                    return
                }
                var lineNumber = 0
                var invalid = 0
                text.withUTF8 { all in
                    var lines = 1
                    for b in all where b == UInt8(ascii: "\n") { lines += 1 }
                    list.reserveCapacity(min(Limits.listEntries, lines))
                    var start = 0
                    while start <= all.count {
                        // One line, without its newline; a comment ends it.
                        var end = start
                        while end < all.count && all[end] != UInt8(ascii: "\n") { end += 1 }
                        defer { start = end + 1 }
                        lineNumber += 1
                        var stop = start
                        while stop < end && all[stop] != UInt8(ascii: "#") { stop += 1 }
                        let entry = UnsafeBufferPointer(rebasing: all[start..<stop])
                        if entry.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                        guard list.count < Limits.listEntries else {
                            report(RuleProblem(file: file, subject: subject, key: k, message: Limits.listTooLong))
                            break
                        }
                        // Most lines are a `+` number: read from the bytes.
                        if let number = NumberPattern.plusNumber(entry) {
                            list.insert(.number(number))
                            continue
                        }
                        let raw = String(decoding: entry, as: UTF8.self)
                        if let p = NumberPattern.parse(raw, settings: settings) {
                            list.insert(p)
                        } else {
                            invalid += 1
                            // A file of garbage gives a few lines of problems, not one per line.
                            guard invalid <= Limits.listProblems else { continue }
                            let trimmed = raw.trimmingCharacters()
                            report(
                                RuleProblem(
                                    file: path, line: lineNumber, column: 1,
                                    message: "`\(trimmed.prefix(40))` is not a number or number pattern (list \"\(name)\")"))
                        }
                    }
                }
                if invalid > Limits.listProblems {
                    report(
                        RuleProblem(
                            file: path, line: lineNumber, column: 1,
                            message: "\(invalid - Limits.listProblems) more entries are not numbers (list \"\(name)\")"))
                }
            default: break
            }
        }
        absorb(r)
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
        var r = reader(t, file: file, subject: subject)
        r.forEach(known: RuleFileKeys.schedule, byName: true) { k, v, at in
            here = at
            switch k {
            case "hours":
                for h in strings(v, file: file, subject: subject, key: k) {
                    if let w = Schedule.parseWindow(h) {
                        schedule.windows.append(w)
                    } else {
                        report(
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
                        report(
                            RuleProblem(
                                file: file, subject: subject, key: k, message: "`\(d)` is not a date (like \"2026-12-24\")"))
                    }
                }
            default: break
            }
        }
        absorb(r)
        if t["hours"] == nil { report(RuleProblem(file: file, subject: subject, key: "hours", message: "is required")) }
        schedules[name] = schedule
    }

    mutating func loadLookup(_ node: TOMLNode, file: String) {
        let subject = "lookup"
        guard let t = table(node, file: file, subject: nil, key: "lookup") else { return }
        if let other = lookupFile {
            report(RuleProblem(file: file, key: "lookup", message: "[lookup] is already defined in \(other)"))
            return
        }
        lookupFile = file
        guard let urlText = t["url"].flatMap({ string($0, file: file, subject: subject, key: "url") }),
            let url = template(urlText, .url, file: file, subject: subject, key: "url", rawURL: true)
        else {
            if t["url"] == nil { report(RuleProblem(file: file, subject: subject, key: "url", message: "is required")) }
            return
        }
        var l = LookupSettings(url: url)
        var r = reader(t, file: file, subject: subject)
        r.forEach(known: RuleFileKeys.lookup, byName: true) { k, v, at in
            here = at
            switch k {
            case "url": break
            case "headers": l.headers = templateTable(v, .header, file: file, subject: subject, key: k)
            case "timeout": if let d = duration(v, file: file, subject: subject, key: k) { l.timeout = d }
            case "cache": if let d = duration(v, file: file, subject: subject, key: k) { l.cache = d }
            case "number_format":
                if let f = enumStrings(v, ["digits", "e164", "national"], file: file, subject: subject, key: k).first {
                    l.numberFormat = f
                }
            default: break
            }
        }
        absorb(r)
        lookup = l
    }
}
