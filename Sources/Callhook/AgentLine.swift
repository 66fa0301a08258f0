import Foundation

/// One event of the agent stream as the native agent sees it: its name
/// and the fields of its JSON `data`, flattened (`remote.name` → `name`).
/// Pure: turning frames into lines and environments is tested without I/O.
public struct AgentLine: Sendable, Hashable {
    public var event: String
    public var data: String
    /// Flattened string fields: `call`, `customer`, `extension`, `direction`,
    /// `ringtone`, `alert_info`, `cause`, `time`, `remote`, `e164`,
    /// `display`, `name`, `company`, `class`.
    public var fields: [String: String]

    public init(event: String, data: String) {
        self.event = event
        self.data = data
        var fields: [String: String] = [:]
        if let object = (try? JSONSerialization.jsonObject(with: Data(data.utf8))) as? [String: Any] {
            for (key, value) in object {
                if let s = value as? String { fields[key] = s }
            }
            if let remote = object["remote"] as? [String: Any] {
                for (key, value) in remote {
                    guard let s = value as? String else { continue }
                    fields[key == "number" ? "remote" : key] = s
                }
            }
        }
        self.fields = fields
    }

    public var call: String? { fields["call"] }

    /// The line printed without `--json`: `ring 100 +4989… "Anna Alt" (Alt GmbH) class=vip ringtone=vip call=…`.
    public var text: String {
        var parts = [event, fields["extension"] ?? "?"]
        if let remote = fields["e164"] ?? fields["remote"] { parts.append(remote) }
        if let name = fields["name"] { parts.append("\"\(name)\"") }
        if let company = fields["company"] { parts.append("(\(company))") }
        if let c = fields["class"] { parts.append("class=\(c)") }
        if let r = fields["ringtone"] { parts.append("ringtone=\(r)") }
        if let cause = fields["cause"] { parts.append("cause=\(cause)") }
        if let call = fields["call"] { parts.append("call=\(call)") }
        return parts.joined(separator: " ")
    }

    /// The line printed with `--json`: `{"event":"ring","data":{…}}`.
    public var json: String { #"{"event":""# + event + #"","data":"# + data + "}" }

    /// The environment `--exec COMMAND` runs with (added to the agent's own).
    public var environment: [String: String] {
        let names: [(String, String)] = [
            ("CALLHOOK_EVENT", "event"), ("CALLHOOK_CALL", "call"), ("CALLHOOK_CUSTOMER", "customer"),
            ("CALLHOOK_EXTENSION", "extension"), ("CALLHOOK_DIRECTION", "direction"), ("CALLHOOK_REMOTE", "remote"),
            ("CALLHOOK_REMOTE_E164", "e164"), ("CALLHOOK_DISPLAY", "display"), ("CALLHOOK_NAME", "name"),
            ("CALLHOOK_COMPANY", "company"), ("CALLHOOK_CLASS", "class"), ("CALLHOOK_RINGTONE", "ringtone"),
            ("CALLHOOK_ALERT_INFO", "alert_info"), ("CALLHOOK_TIME", "time"),
        ]
        var env: [String: String] = ["CALLHOOK_EVENT": event]
        for (variable, field) in names { if let v = fields[field] { env[variable] = v } }
        return env
    }
}
