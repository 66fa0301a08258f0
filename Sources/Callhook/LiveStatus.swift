import AsyncAlgorithms
import Delivery
import ServiceLifecycle

/// The live one-line summary of `callhook run` and `callhook sim` on a
/// terminal: redrawn four times a second until shutdown, then ended so the
/// shell prompt starts on a fresh line. Only started when the console is a
/// terminal; plain logs otherwise.
public struct LiveStatus: Service {
    let console: Console
    let line: @Sendable () async -> String

    public init(console: Console, line: @escaping @Sendable () async -> String) {
        self.console = console
        self.line = line
    }

    public func run() async throws {
        guard console.isTerminal else {
            // Ending early would end the group: wait for shutdown instead.
            try? await gracefulShutdown()
            return
        }
        for await _ in AsyncTimerSequence.repeating(every: .milliseconds(250)).cancelOnGracefulShutdown() {
            console.setStatus(await line())
        }
        console.setStatus(await line())
        console.finishStatus()
    }

    /// The daemon's line: source state (each NFON account's, in `accounts`),
    /// events, matches, deliveries, queue.
    static func daemonLine(
        source: String, accounts: [String] = [], pipeline: PipelineStats, delivery: DeliveryStats
    ) -> String {
        let state =
            !accounts.isEmpty
            ? accounts.joined(separator: " · ")
            : source == "none" ? "no source" : "\(source) \(pipeline.connected ? "connected" : "disconnected")"
        return
            "▶ \(state) · calls \(pipeline.calls) · events \(pipeline.events) · matches \(pipeline.matches) · deliveries \(delivery.delivered) (dead \(delivery.dead)) · queue \(delivery.pending)"
    }
}
