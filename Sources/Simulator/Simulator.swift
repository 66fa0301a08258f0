import Calls
import Foundation
import Hummingbird
import Logging
import Server
import ServiceLifecycle

/// An NFON-compatible CTI server on loopback (runtime.md, "Simulator"): the
/// same paths, payloads and auth as the NFON CTI API, with generated or
/// scripted traffic for one tenant, or for several (`tenants`), each its
/// own K-account with its own login.
public final class Simulator: Service {
    public let options: SimulatorOptions
    public let listening = PortAnnouncer()
    let logger: Logger
    let tenants: [SimulatorTenant]
    /// Tenant 1's.
    var hub: SimulatorHub { tenants[0].hub }

    public init(options: SimulatorOptions, logger: Logger) {
        self.options = options
        self.logger = logger
        self.tenants = (1...max(1, options.tenants)).map { SimulatorTenant(index: $0, of: options) }
    }

    /// The K-accounts served, tenant 1 first.
    public var customers: [String] { tenants.map(\.customer) }

    /// The base URL clients use (`http://127.0.0.1:PORT/v1`), once listening.
    /// Throws when the simulator cannot listen or the caller is cancelled.
    public func baseURL() async throws -> String {
        "http://\(options.host):\(try await listening.port())/v1"
    }

    /// Call events published so far, all tenants together.
    public func publishedCount() async -> Int {
        var n = 0
        for t in tenants { n += await t.hub.published }
        return n
    }

    public func run() async throws {
        let app = LoopbackServer.application(
            router: makeRouter(), host: options.host, port: options.port, name: "callhook-sim", announcer: listening,
            logger: logger)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await app.run() }
            for tenant in tenants {
                group.addTask { try? await cancelWhenGracefulShutdown { try await self.playTimeline(tenant) } }
            }
            group.addTask {
                try? await cancelWhenGracefulShutdown { try await self.housekeeping() }
                // Open streams would hold the server's graceful shutdown forever.
                for t in self.tenants { await t.hub.closeAll() }
            }
        }
    }

    private func housekeeping() async throws {
        while !Task.isCancelled {
            try await Task.sleep(for: .milliseconds(50))
            for t in tenants { await t.hub.tick(now: .now) }
        }
    }

    /// One tenant's traffic, from its first calls-stream client on.
    private func playTimeline(_ tenant: SimulatorTenant) async throws {
        let hub = tenant.hub
        if options.startWhenSubscribed {
            await hub.waitForFirstSubscriber()
            try Task.checkCancellation()
        }
        let start = ContinuousClock.now
        let speed = max(options.speed, 0.000_001)
        var count = 0
        var generator = tenant.generator
        // A script plays on tenant 1 (`--script` takes one tenant).
        var script = tenant.index == 1 ? options.script?.makeIterator() : nil
        while let event = script != nil ? script!.next() : generator.next() {
            // Clamped: a tiny speed times a long script must not overflow.
            let due = start + .nanoseconds(Int64(min(Double(event.at.nanoseconds) / speed, 9e18)))
            if due > .now { try await Task.sleep(until: due, clock: .continuous) }
            await hub.publish(event.payload)
            count = event.callIndex + 1
        }
        logger.info("simulation finished", metadata: ["customer": "\(tenant.customer)", "calls": "\(count)"])
    }
}
