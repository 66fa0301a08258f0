import Calls

extension DryRun {
    /// How `callhook test` says a leg was ended as `lost`, e.g.
    /// `(lost: no event for max_ring 10m, at the end of the file; ended_at approximate)`.
    func lostNote(_ reason: ReconcileReason, atEnd: Bool) -> String {
        var why: String
        switch reason {
        case .snapshot: why = "idle in a states snapshot"
        case .maxRing: why = "no event for max_ring \(Self.shown(maxRing))"
        case .maxTalk: why = "no event for max_talk \(Self.shown(maxTalk))"
        }
        if atEnd { why += ", at the end of the file" }
        return "(lost: \(why); ended_at approximate)"
    }

    /// `10m`, `12h`, `1h30m`, `45s`.
    static func shown(_ d: Duration) -> String {
        var s = d.wholeSeconds
        if s == 0 { return "\(d.nanoseconds / 1_000_000)ms" }
        var out = ""
        for (unit, size) in [("d", Int64(86400)), ("h", 3600), ("m", 60), ("s", 1)] where s >= size {
            out += "\(s / size)\(unit)"
            s %= size
        }
        return out
    }
}
