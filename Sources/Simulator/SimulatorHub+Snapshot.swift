import Calls

extension SimulatorHub {
    /// The JSON states snapshot: every extension's presence, and its line
    /// as the calls sent make it (`SimulatedLines`), with `updated` the time
    /// that line last changed. `extensions` filters (empty: all).
    func snapshot(extensions wanted: Set<String>) -> [LineStateEvent] {
        var states = lineStates
        for (ext, derived) in lines.lines {
            var s = states[ext] ?? LineStateEvent(customer: options.traffic.customer, extension: ext)
            s.line = derived.line
            s.updated = derived.updated.isEmpty ? s.updated : derived.updated
            states[ext] = s
        }
        return states.values.filter { wanted.isEmpty || wanted.contains($0.extension) }.sorted { $0.extension < $1.extension }
    }
}
