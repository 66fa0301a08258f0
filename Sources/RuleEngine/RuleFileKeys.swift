/// The keys the rule loader accepts, table by table: the loader reads
/// these lists, and a test compares them with
/// docs/callhook-rules.schema.json so that editors and the loader agree.
public enum RuleFileKeys {
    public static let top = ["settings", "list", "schedule", "lookup", "target", "class", "rule"]
    public static let settings = [
        "timezone", "country_code", "national_prefix", "international_prefix", "extension_digits", "ringtone",
    ]
    public static let list = ["numbers", "file"]
    public static let schedule = ["hours", "except"]
    public static let lookup = ["url", "headers", "timeout", "cache", "number_format"]
    public static let target = [
        "url", "method", "headers", "timeout", "connect_timeout", "retry", "concurrency", "rate",
        "signing_secret", "tls_verify", "ca_file", "user_ids",
    ]
    /// Target keys a webhook may carry when it names its own `url`.
    public static let targetOnly = [
        "timeout", "connect_timeout", "retry", "concurrency", "rate", "signing_secret", "tls_verify", "ca_file", "user_ids",
    ]
    public static let retry = ["attempts", "initial", "factor", "max"]
    public static let classDefinition = ["name", "when", "ringtone", "alert_info"]
    public static let rule = ["name", "on", "when", "ringtone", "stop", "enabled", "webhook", "workflow"]
    public static let webhook = [
        "target", "url", "path", "method", "query", "headers", "json", "form", "body", "content_type", "capture",
    ]
    public static let workflow = ["target", "name"]
    public static let condition = [
        "direction", "class", "extension", "caller", "callee", "remote", "customer", "answered", "cause", "min_duration",
        "max_duration", "min_ring", "during", "outside", "line", "presence", "previous_line", "previous_presence", "match", "not",
        "any",
    ]
}
