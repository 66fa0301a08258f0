import AsyncAlgorithms
import Delivery
import ServiceLifecycle

/// The live one-line summary of `callhook demo`: redrawn on a terminal,
/// printed every few seconds otherwise.
struct SummaryTicker: Service {
    let console: Console
    let pipeline: PipelineStats
    let delivery: DeliveryStats
    let sink: DemoSink

    func run() async throws {
        let interval: Duration = console.isTerminal ? .milliseconds(250) : .seconds(2)
        for await _ in AsyncTimerSequence.repeating(every: interval).cancelOnGracefulShutdown() {
            console.setStatus(line())
        }
        console.setStatus(line())
    }

    func line() -> String {
        "▶ calls \(pipeline.calls) · events \(pipeline.events) · matches \(pipeline.matches) · deliveries \(delivery.delivered) (dead \(delivery.dead)) · queue \(delivery.pending) · sink \(sink.count)"
            + (pipeline.connected ? "" : " · source disconnected")
    }
}
