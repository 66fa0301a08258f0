extension RuleLoader {
    mutating func loadTarget(_ name: String, _ node: TOMLNode, file: String) {
        let subject = "target \"\(name)\""
        checkName(name, kind: "target", file: file, subject: subject)
        guard let t = table(node, file: file, subject: subject, key: nil) else { return }
        here = t.position(of: "url") ?? t.position
        guard let urlText = t["url"].flatMap({ string($0, file: file, subject: subject, key: "url") }) else {
            if t["url"] == nil { report(RuleProblem(file: file, subject: subject, key: "url", message: "is required")) }
            return
        }
        guard let url = template(urlText, .url, file: file, subject: subject, key: "url", rawURL: true) else { return }
        var target = Target(
            name: name, url: url, method: "POST", headers: [], timeout: .seconds(10), connectTimeout: .seconds(3),
            retry: RetrySettings(), concurrency: 16, ratePerSecond: nil, signingSecret: nil, tlsVerify: true, caFile: nil,
            userIDs: [:])
        var r = reader(t, file: file, subject: subject)
        r.forEach(known: RuleFileKeys.target) { k, v, at in
            here = at
            switch k {
            case "url": break
            case "method": if let m = string(v, file: file, subject: subject, key: k) { target.method = m.uppercased() }
            case "headers": target.headers = templateTable(v, .header, file: file, subject: subject, key: k)
            default: _ = targetKey(k, v, into: &target, file: file, subject: subject, prefix: "")
            }
        }
        absorb(r)
        targets[name] = target
    }

    static let targetOnlyKeys = RuleFileKeys.targetOnly

    /// The keys a target and an inline webhook target share; false for any other key.
    mutating func targetKey(
        _ k: String, _ v: TOMLNode, into target: inout Target, file: String, subject: String, prefix: String
    ) -> Bool {
        let key = prefix + k
        switch k {
        case "timeout": if let d = duration(v, file: file, subject: subject, key: key) { target.timeout = d }
        case "connect_timeout": if let d = duration(v, file: file, subject: subject, key: key) { target.connectTimeout = d }
        case "retry": loadRetry(v, into: &target.retry, file: file, subject: subject, prefix: prefix)
        case "concurrency":
            if let i = int(v, in: Limits.concurrency, file: file, subject: subject, key: key) { target.concurrency = i }
        case "rate":
            if let s = string(v, file: file, subject: subject, key: key) {
                if let r = DurationParser.parseRate(s) {
                    target.ratePerSecond = r
                } else {
                    report(
                        RuleProblem(
                            file: file, subject: subject, key: key,
                            message: "must look like \"20/s\" or \"100/m\", from 1 a day to 10000/s"))
                }
            }
        case "signing_secret":
            target.signingSecret = string(v, file: file, subject: subject, key: key).map {
                resolveEnv($0, file: file, subject: subject, key: key)
            }
        case "tls_verify":
            if let b = bool(v, file: file, subject: subject, key: key) { target.tlsVerify = b }
        case "ca_file":
            target.caFile = string(v, file: file, subject: subject, key: key).map {
                $0.hasPrefix("/") ? $0 : Self.directory(of: file) + $0
            }
        case "user_ids":
            guard let ids = table(v, file: file, subject: subject, key: key) else { break }
            for (ext, id, at) in ids.located {
                here = at
                if let s = string(id, file: file, subject: subject, key: "\(key).\(ext)") { target.userIDs[ext] = s }
            }
        default: return false
        }
        return true
    }

    mutating func loadRetry(
        _ node: TOMLNode, into retry: inout RetrySettings, file: String, subject: String, prefix: String = ""
    ) {
        guard let t = table(node, file: file, subject: subject, key: prefix + "retry") else { return }
        var r = reader(t, file: file, subject: subject, prefix: prefix + "retry.")
        r.forEach(known: RuleFileKeys.retry) { k, v, at in
            here = at
            let key = "\(prefix)retry.\(k)"
            switch k {
            case "attempts":
                if let i = int(v, in: Limits.attempts, file: file, subject: subject, key: key) { retry.attempts = i }
            case "initial": if let d = duration(v, file: file, subject: subject, key: key) { retry.initial = d }
            case "max": if let d = duration(v, file: file, subject: subject, key: key) { retry.max = d }
            case "factor":
                switch v {
                case .double(let d) where d.isFinite && Limits.factor.contains(d): retry.factor = d
                case .int(let i) where Limits.factor.contains(Double(i)): retry.factor = Double(i)
                default:
                    report(
                        RuleProblem(
                            file: file, subject: subject, key: key,
                            message: "must be a number from 1 to \(Int(Limits.factor.upperBound))"))
                }
            default: break
            }
        }
        absorb(r)
    }
}
