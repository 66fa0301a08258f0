extension DaemonConfig {
    /// `[calls]` (runtime.md, "No call is left open"): a leg with no event
    /// for `max_ring` while never answered, or `max_talk` once answered,
    /// ends with cause `lost`.
    public struct Calls: Sendable, Equatable {
        public var maxRing: Duration = .seconds(600)
        public var maxTalk: Duration = .seconds(12 * 3600)
        public init() {}

        /// The shortest bound accepted: shorter would end calls that are
        /// merely quiet.
        public static let minimum: Duration = .seconds(1)
    }
}

extension ConfigLoader {
    mutating func loadCalls(_ calls: inout TableReader, into config: inout DaemonConfig) {
        for key in ["max_ring", "max_talk"] {
            guard let d = calls.duration(key) else { continue }
            guard d >= DaemonConfig.Calls.minimum else {
                calls.problem(key, "must be at least 1s")
                continue
            }
            if key == "max_ring" { config.calls.maxRing = d } else { config.calls.maxTalk = d }
        }
        calls.finish(known: ["max_ring", "max_talk"])
    }
}
