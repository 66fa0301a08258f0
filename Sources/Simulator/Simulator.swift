import Calls
import Foundation
import Hummingbird
import Logging
import Server
import ServiceLifecycle

/// An NFON-compatible CTI server on loopback (runtime.md, "Simulator"): the
/// same paths, payloads and auth as the NFON CTI API, with generated or
/// scripted traffic for one tenant.
public final class Simulator: Service {
    public let options: SimulatorOptions
    public let listening = PortAnnouncer()
    let logger: Logger
    let hub: SimulatorHub
    let extensions: [SimulatedExtension]
    private let generator: TrafficGenerator

    public init(options: SimulatorOptions, logger: Logger) {
        self.options = options
        self.logger = logger
        let generator = TrafficGenerator(options: options.traffic)
        self.generator = generator
        self.extensions = generator.extensions
        self.hub = SimulatorHub(options: options, initialStates: generator.initialStates())
    }

    /// The base URL clients use (`http://127.0.0.1:PORT/v1`), once listening.
    /// Throws when the simulator cannot listen or the caller is cancelled.
    public func baseURL() async throws -> String {
        "http://\(options.host):\(try await listening.port())/v1"
    }

    /// Call events published so far.
    public func publishedCount() async -> Int { await hub.published }

    public func run() async throws {
        let app = LoopbackServer.application(
            router: makeRouter(), host: options.host, port: options.port, name: "callhook-sim", announcer: listening,
            logger: logger)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await app.run() }
            group.addTask { try? await cancelWhenGracefulShutdown { try await self.playTimeline() } }
            group.addTask {
                try? await cancelWhenGracefulShutdown { try await self.housekeeping() }
                // Open streams would hold the server's graceful shutdown forever.
                await self.hub.closeAll()
            }
        }
    }

    private func housekeeping() async throws {
        while !Task.isCancelled {
            try await Task.sleep(for: .milliseconds(50))
            await hub.tick(now: .now)
        }
    }

    private func playTimeline() async throws {
        if options.startWhenSubscribed {
            await hub.waitForFirstSubscriber()
            try Task.checkCancellation()
        }
        let start = ContinuousClock.now
        let speed = max(options.speed, 0.000_001)
        var count = 0
        var generator = self.generator
        var script = options.script?.makeIterator()
        while let event = script != nil ? script!.next() : generator.next() {
            let due = start + .nanoseconds(Int64(Double(event.at.nanoseconds) / speed))
            if due > .now { try await Task.sleep(until: due, clock: .continuous) }
            await hub.publish(event.payload)
            count = event.callIndex + 1
        }
        logger.info("simulation finished", metadata: ["calls": "\(count)"])
    }
}
