import Calls

/// Each extension's line as the calls the simulator has sent make it:
/// `ringing` while an inbound call rings, `in-use` while a call is answered
/// or an outbound call is dialling, `idle` once every call has hung up.
/// The JSON states snapshot reports it, so a client reconciling after a
/// dropped stream sees the real state even when the hang-up was lost.
///
/// Bounded: a call is forgotten at its hang-up; one entry per extension
/// that ever had a call.
struct SimulatedLines: Sendable {
    /// extension → uuid → `ringing` / `in-use`.
    private var calls: [String: [String: String]] = [:]
    /// extension → its derived line and when it last changed (`updated`).
    private(set) var lines: [String: (line: String, updated: String)] = [:]

    mutating func apply(_ call: CallEvent) {
        let ext = call.extension ?? (call.direction == .outbound ? call.caller : call.callee) ?? ""
        guard !ext.isEmpty else { return }
        var active = calls[ext] ?? [:]
        switch call.state.lowercased() {
        case "hangup", "end": active[call.uuid] = nil
        case "answer": active[call.uuid] = "in-use"
        default:
            if active[call.uuid] != "in-use" { active[call.uuid] = call.direction == .outbound ? "in-use" : "ringing" }
        }
        calls[ext] = active.isEmpty ? nil : active
        let line = active.values.contains("in-use") ? "in-use" : (active.isEmpty ? "idle" : "ringing")
        if lines[ext]?.line != line { lines[ext] = (line, call.updated ?? "") }
    }
}
