import Calls

/// When to do what (`[[rule]]`).
public struct Rule: Sendable {
    public var name: String
    public var on: Set<Phase>
    public var when: Condition
    public var ringtone: String?
    /// No later rule is evaluated for this event when this one matched.
    public var stop: Bool
    public var enabled: Bool
    public var webhooks: [Webhook]
    public var workflows: [Workflow] = []
    /// The file the rule came from, for messages.
    public var file: String
}

/// One HTTP request a rule sends (`[[rule.webhook]]`).
public struct Webhook: Sendable {
    public enum Body: Sendable {
        case none
        case json(JSONTemplate)
        case form([(String, TextTemplate)])
        case text(TextTemplate, contentType: String)
    }

    public var target: String
    public var path: TextTemplate?
    public var method: String?
    public var query: [(String, TextTemplate)]
    public var headers: [(String, TextTemplate)]
    public var body: Body
    /// Response JSON field → `call.vars.NAME`, for later requests of the call.
    public var capture: [String: String] = [:]
}

/// A peoplefone CONNECTOR business workflow a rule starts (`[[rule.workflow]]`).
public struct Workflow: Sendable {
    public var target: String
    public var name: String
}
