import Calls

extension CallEngine {
    func render(
        _ hook: Webhook, target: Target, rule: Rule, context c: EvaluationContext, deliveryID: String, variables: Variables
    ) -> RenderedRequest {
        var url = target.url.render(variables)
        if let path = hook.path {
            let p = path.render(variables)
            if url.hasSuffix("/") && p.hasPrefix("/") { url.removeLast() }
            url += p
        }
        if !hook.query.isEmpty {
            let q = hook.query.map { "\(Escaping.url.escape($0.0))=\($0.1.render(variables))" }.joined(separator: "&")
            url += (url.contains("?") ? "&" : "?") + q
        }
        var headers = HeaderList()
        var body: [UInt8]?
        switch hook.body {
        case .none: break
        case .json(let j):
            headers.set("Content-Type", "application/json")
            body = j.renderJSONBytes(variables)
        case .form(let fields):
            headers.set("Content-Type", "application/x-www-form-urlencoded")
            body = Array(fields.map { "\(Escaping.form.escape($0.0))=\($0.1.render(variables))" }.joined(separator: "&").utf8)
        case .text(let t, let contentType):
            headers.set("Content-Type", contentType)
            body = Array(t.render(variables).utf8)
        }
        for (name, t) in target.headers { headers.set(name, t.render(variables)) }
        for (name, t) in hook.headers { headers.set(name, t.render(variables)) }
        var r = request(
            c, rule: rule, target: target, deliveryID: deliveryID, method: hook.method ?? target.method, url: url,
            headers: headers.fields, body: body, capture: hook.capture)
        if !c.box.set.captureNames.isEmpty {
            let bodyEscaping: Escaping
            switch hook.body {
            case .none: bodyEscaping = .none
            case .json: bodyEscaping = .jsonString
            case .form: bodyEscaping = .form
            case .text(_, let contentType): bodyEscaping = .forBody(contentType: contentType)
            }
            bindLate(&r, slots: c.slots, names: c.box.set.captureNames, bodyEscaping: bodyEscaping)
        }
        return r
    }

    /// A peoplefone CONNECTOR workflow: `POST <target url>/<name>` with `inputs`.
    func render(
        _ flow: Workflow, target: Target, rule: Rule, context c: EvaluationContext, deliveryID: String, variables: Variables
    ) -> RenderedRequest {
        var url = target.url.render(variables)
        if !url.hasSuffix("/") { url += "/" }
        url += Escaping.url.escape(flow.name)
        var headers = HeaderList()
        headers.set("Content-Type", "application/json")
        for (name, t) in target.headers { headers.set(name, t.render(variables)) }
        let leg = c.leg
        func time(_ t: EventTime?) -> JSONValue { .string(t?.rfc3339() ?? "") }
        func display(_ p: Any?) -> JSONValue {
            guard let p = p as? [String: Any] else { return .string("") }
            return .string((p["name"] as? String) ?? "")
        }
        let caller = variables["caller"] as? [String: Any]
        let callee = variables["callee"] as? [String: Any]
        let remote = variables["remote"] as? [String: Any]
        let declined: JSONValue = (leg?.endedAt != nil && leg?.answered == false) ? time(leg?.endedAt) : .string("")
        let inputs: JSONValue = .object([
            ("contactCrmId", .string(remote?["crm_id"] as? String ?? "")),
            ("userCrmId", .string(target.userIDs[c.extensionNumber] ?? "")),
            ("originatorNumber", .string(caller?["e164"] as? String ?? "")),
            ("originatorName", display(caller)),
            ("destinationNumber", .string(callee?["e164"] as? String ?? "")),
            ("destinationName", display(callee)),
            ("direction", .string(leg?.direction == .outbound ? "outgoing" : "incoming")),
            ("startedTime", time(leg?.started)),
            ("answeredTime", time(leg?.answeredAt)),
            ("endedTime", time(leg?.endedAt)),
            ("declinedTime", declined),
            ("id", .string(Self.workflowIDSlot)),
        ])
        let template = JSONValue.object([("inputs", inputs)]).serialized()
        var r = request(
            c, rule: rule, target: target, deliveryID: deliveryID, method: "POST", url: url, headers: headers.fields,
            body: nil)
        bindWorkflowID(&r, template: template)
        return r
    }

    private func request(
        _ c: EvaluationContext, rule: Rule, target: Target, deliveryID: String, method: String, url: String,
        headers: [(name: String, value: String)], body: [UInt8]?, capture: [String: String] = [:]
    ) -> RenderedRequest {
        let key = c.leg?.key
        let orderKey =
            if let key {
                "call|\(key.customer)|\(key.uuid)|\(key.extension)|\(target.name)"
            } else {
                "line|\(c.customer)|\(c.extensionNumber)|\(target.name)"
            }
        return RenderedRequest(
            deliveryID: deliveryID, rule: rule.name, target: target.name, phase: c.phase, callID: key?.uuid ?? "", leg: key,
            method: method, url: url, headers: headers, body: body, eventTime: c.time, capture: capture,
            orderKey: orderKey)
    }
}

extension CallEngine {
    /// Takes the `call.vars` slots out of the rendered text: when any part
    /// holds one, the request carries them as `LateBoundRequest` and its
    /// plain fields show each slot as its tag.
    func bindLate(_ r: inout RenderedRequest, slots: CallVarSlots, names: Set<String>, bodyEscaping: Escaping) {
        let url = slots.split(r.url, names: names, escaping: .url)
        let headers = r.headers.map { slots.split($0.value, names: names, escaping: .header) }
        let body = r.body.map { slots.split(String(decoding: $0, as: UTF8.self), names: names, escaping: bodyEscaping) }
        guard url.hasVariables || headers.contains(where: \.hasVariables) || body?.hasVariables == true else { return }
        let late = LateBoundRequest(url: url, headerValues: headers, body: body)
        r.lateBound = late
        r.url = url.display
        for i in r.headers.indices { r.headers[i].value = headers[i].display }
        r.body = body.map { Array($0.display.utf8) }
    }
}

/// Request headers where a later value replaces an earlier one of the same
/// name (case-insensitive), keeping first-set order otherwise.
struct HeaderList {
    var fields: [(name: String, value: String)] = []

    mutating func set(_ name: String, _ value: String) {
        if fields.contains(where: { Self.sameName($0.name, name) }) { fields.removeAll { Self.sameName($0.name, name) } }
        fields.append((name, value))
    }

    /// Header names compared as `lowercased()` does, without allocating
    /// for ASCII names.
    static func sameName(_ a: String, _ b: String) -> Bool {
        guard a.utf8AllSatisfy({ $0 < 0x80 }) && b.utf8AllSatisfy({ $0 < 0x80 }) else {
            return a.lowercased() == b.lowercased()
        }
        guard a.utf8.count == b.utf8.count else { return false }
        for (x, y) in zip(a.utf8, b.utf8) where x != y {
            let lower = x | 0x20
            guard lower == y | 0x20, lower >= 0x61, lower <= 0x7A else { return false }
        }
        return true
    }
}
