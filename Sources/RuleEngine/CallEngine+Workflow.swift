/// The workflow id chain (rules.md, "Workflows"): the answer's `id` is kept
/// as a captured value of the call under a per-target name, and each later
/// workflow request of the call to that target sends it as `inputs.id`,
/// filled in when the request is sent (so it survives a restart and reaches
/// a request queued before the previous one was answered).
extension CallEngine {
    /// The `call.vars` name holding the latest workflow id of a call for
    /// `target`. It has a dot in it, so no template can name it.
    public static func workflowIDName(target: String) -> String { "workflow.id.\(target)" }

    /// `call.vars.workflow_id` / `call.vars.workflow_url`: the latest workflow
    /// answer's id and url of the call (any target), for later webhooks.
    public static let workflowIDVar = "workflow_id"
    public static let workflowURLVar = "workflow_url"

    /// Placeholder for `inputs.id` while the body is serialized; letters and
    /// `_` only, so JSON leaves it as it is.
    static let workflowIDSlot = "__callhook_workflow_id_slot__"

    /// What a workflow request captures from its answer: the `capture` field
    /// `workflow:id` reads `id` in any case and ignores empty values.
    static func workflowCapture(target: String) -> [String: String] {
        [workflowIDName(target: target): "workflow:id", workflowIDVar: "workflow:id", workflowURLVar: "workflow:url"]
    }

    func bindWorkflowID(_ r: inout RenderedRequest, template: String) {
        let quoted = "\"\(Self.workflowIDSlot)\""
        let name = Self.workflowIDName(target: r.target)
        r.capture = Self.workflowCapture(target: r.target)
        guard let range = Substring(template).range(of: quoted) else {
            r.body = Array(template.utf8)
            return
        }
        let before = String(template[..<range.lowerBound])
        let after = String(template[range.upperBound...])
        let body = LateBoundText([.literal(before), .variable(name: name, escaping: .jsonValue), .literal(after)])
        r.lateBound = LateBoundRequest(
            url: LateBoundText([.literal(r.url)]), headerValues: r.headers.map { LateBoundText([.literal($0.value)]) },
            body: body)
        // Shown (dry runs, `callhook test`) as the first request sends it.
        r.body = Array(body.resolve([:]).utf8)
    }
}
