import Foundation

/// Scripts and configuration of the high-availability tests.
enum HAScript {
    /// A line state first (no rule fires on it), then `calls` calls from
    /// 3 s on — time for every instance to connect to the stream before
    /// the first call — each ringing, answered 100 ms later and hung up
    /// 100 ms after that; calls `spacing` ms apart.
    static func calls(_ calls: Int, spacing: Int) -> [String] {
        var lines = [#"{"extension":"999","line":"idle","customer":"K1234","updated":"2026-11-17T09:00:00.000Z"}"#]
        var events: [(Int, String)] = []
        for c in 1...calls {
            let at = 3000 + c * spacing
            let u = Script.uuid(c)
            events += [
                (at, Script.call(u, "ring", at: at)), (at + 100, Script.call(u, "answer", at: at + 100)),
                (at + 200, Script.call(u, "hangup", at: at + 200)),
            ]
        }
        lines += events.enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }.map(\.element.1)
        return lines
    }

    /// `callhook.toml` for the simulator at `base` and the queue at `url`.
    /// A short lease makes a killed instance's claims end soon; a live
    /// instance renews its own every third of it, so on a loaded machine a
    /// lease of a few seconds can run out under a live instance too.
    static func config(base: String, url: String, lease: String = "2s") -> String {
        nfonConfig(base: base) + "\n[queue]\nurl = \"\(url)\"\nlease = \"\(lease)\"\n"
    }

    /// Calls whose requests first arrived out of order (incoming, answered,
    /// ended), by call id.
    static func orderViolations(_ got: [Arrivals.Entry]) -> [String] {
        var firstArrival: [String: [String]] = [:]
        var seen = Set<String>()
        for e in got where seen.insert(e.key).inserted {
            firstArrival[callField(e.body), default: []].append(e.path)
        }
        return firstArrival.filter { $0.value != ["/incoming", "/answered", "/ended"] }.map(\.key)
    }
}
