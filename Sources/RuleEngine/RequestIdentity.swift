/// What a request's identity is derived from: the same request rendered
/// twice (by two instances reading one stream, or from a replayed event)
/// gets the same delivery id and is queued once (docs/delivery.md).
public struct RequestIdentity: Sendable, Hashable {
    public var customer: String
    /// The call's uuid; for a `line` event, `line@` and the change's time.
    public var callUUID: String
    public var extensionNumber: String
    public var phase: String
    public var rule: String
    /// The action's place in its rule: `webhook:N` or `workflow:N` (0-based).
    public var action: String

    public init(customer: String, callUUID: String, extensionNumber: String, phase: String, rule: String, action: String) {
        self.customer = customer
        self.callUUID = callUUID
        self.extensionNumber = extensionNumber
        self.phase = phase
        self.rule = rule
        self.action = action
    }

    /// One unambiguous text of all fields: each as its UTF-8 length, `:`,
    /// the field, so no field's content can be mistaken for a separator.
    public var canonical: String {
        var out = ""
        out.reserveCapacity(
            customer.utf8.count + callUUID.utf8.count + extensionNumber.utf8.count + phase.utf8.count + rule.utf8.count
                + action.utf8.count + 24)
        for field in [customer, callUUID, extensionNumber, phase, rule, action] {
            out += String(field.utf8.count)
            out += ":"
            out += field
        }
        return out
    }
}
