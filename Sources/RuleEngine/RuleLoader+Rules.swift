import Calls

extension RuleLoader {
    mutating func loadRule(_ t: TOMLTable, index: Int, file: String) {
        guard let name = t["name"]?.string else {
            report(RuleProblem(file: file, subject: "rule #\(index + 1)", key: "name", message: "is required"))
            return
        }
        let subject = "rule \"\(name)\""
        here = t.position(of: "name") ?? t.position
        checkName(name, kind: "rule", file: file, subject: subject)
        conditionPositions["\(file)|\(subject)"] = t.position(of: "when") ?? t.position
        var rule = Rule(
            name: name, on: [], when: Condition(), ringtone: nil, stop: false, enabled: true, webhooks: [], file: file)
        var webhookTables: [TOMLTable] = []
        here = t.position
        if t["on"] == nil { report(RuleProblem(file: file, subject: subject, key: "on", message: "is required")) }
        var r = reader(t, file: file, subject: subject)
        r.forEach(known: RuleFileKeys.rule) { k, v, at in
            here = at
            switch k {
            case "name": break
            case "on":
                for s in strings(v, file: file, subject: subject, key: k) {
                    if let p = Phase(rawValue: s) {
                        rule.on.insert(p)
                    } else {
                        report(
                            RuleProblem(
                                file: file, subject: subject, key: k,
                                message: "unknown phase `\(s)`" + suggestion(s, Phase.allCases.map(\.rawValue))))
                    }
                }
            case "when": rule.when = condition(v, file: file, subject: subject, key: "when") ?? Condition()
            case "ringtone": rule.ringtone = string(v, file: file, subject: subject, key: k)
            case "stop": if let b = bool(v, file: file, subject: subject, key: k) { rule.stop = b }
            case "enabled": if let b = bool(v, file: file, subject: subject, key: k) { rule.enabled = b }
            case "webhook":
                for (i, w) in arrayOfTables(v, file: file, key: "webhook", subject: subject).enumerated() {
                    here = w.position
                    if let hook = webhook(w, file: file, subject: subject, index: i, ruleName: name) {
                        rule.webhooks.append(hook)
                        webhookTables.append(w)
                    }
                }
            case "workflow":
                for w in arrayOfTables(v, file: file, key: "workflow", subject: subject) {
                    here = w.position
                    if let flow = workflow(w, file: file, subject: subject) { rule.workflows.append(flow) }
                }
            default: break
            }
        }
        absorb(r)
        here = t.position(of: "when") ?? t.position
        checkPhases(rule, file: file, subject: subject)
        warnUnknownVariables(rule, webhookTables: webhookTables)
        rules.append(rule)
    }

    mutating func workflow(_ w: TOMLTable, file: String, subject: String) -> Workflow? {
        var target: String?
        var flowName: String?
        var r = reader(w, file: file, subject: subject, prefix: "workflow.")
        r.forEach(known: RuleFileKeys.workflow, byName: true) { k, v, at in
            here = at
            switch k {
            case "target": target = string(v, file: file, subject: subject, key: "workflow.target")
            case "name": flowName = string(v, file: file, subject: subject, key: "workflow.name")
            default: break
            }
        }
        absorb(r)
        guard let target, let flowName else {
            report(
                RuleProblem(file: file, at: w.position, subject: subject, key: "workflow", message: "needs `target` and `name`"))
            return nil
        }
        targetReferences.append((target, file, w.position(of: "target"), subject, "workflow.target"))
        return Workflow(target: target, name: flowName)
    }

    mutating func webhook(_ t: TOMLTable, file: String, subject: String, index: Int, ruleName: String) -> Webhook? {
        let key = "webhook"
        // A webhook names a target, or has `url` and the target keys inline.
        var inline: Target?
        let target: String
        if let urlNode = t["url"] {
            if t["target"] != nil {
                report(
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
            targetReferences.append((name, file, t.position(of: "target"), subject, "webhook.target"))
        } else {
            report(
                RuleProblem(
                    file: file, subject: subject, key: "webhook.target",
                    message: "is required (or `url` with the target keys inline)"))
            return nil
        }
        var hook = Webhook(target: target, path: nil, method: nil, query: [], headers: [], body: .none)
        var bodies: [String] = []
        var contentType: String?
        var r = reader(t, file: file, subject: subject, prefix: "webhook.")
        r.forEach(
            known: RuleFileKeys.webhook + (inline != nil ? Self.targetOnlyKeys : [])
        ) { k, v, at in
            here = at
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
            default:
                // Only the target keys are left (`known` holds them only for an inline target).
                if inline != nil { _ = targetKey(k, v, into: &inline!, file: file, subject: subject, prefix: "webhook.") }
            }
        }
        absorb(r)
        if let inline { targets[inline.name] = inline }
        here = t.position
        if bodies.count > 1 {
            report(
                RuleProblem(
                    file: file, subject: subject, key: key,
                    message: "has \(bodies.joined(separator: " and ")); a webhook takes at most one body"))
        }
        if bodies == ["body"] {
            here = t.position(of: "body")
            let ct = contentType ?? "text/plain"
            if let text = t["body"].flatMap({ string($0, file: file, subject: subject, key: "webhook.body") }),
                let tpl = template(text, Escaping.forBody(contentType: ct), file: file, subject: subject, key: "webhook.body")
            {
                hook.body = .text(tpl, contentType: ct)
            }
        }
        return hook
    }
}
