import ArgumentParser
import Callhook
import Feeds
import Foundation
import ServiceLifecycle

struct SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Run the NFON-compatible CTI simulator on loopback.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Listen address (host:port; port 0 picks a free one).")
    var listen: String = "127.0.0.1:8090"

    @Option(help: "New calls per second, e.g. 2/s, 30/m or 0.5.")
    var rate: String = "1/s"

    @Option(help: "Stop generating after this many calls.")
    var calls: Int?

    @Option(help: "Random seed: the same seed gives the same event sequence.")
    var seed: UInt64 = 1

    @Option(help: "Number of extensions of the simulated tenant.")
    var extensions: Int = 20

    @Option(name: .customLong("token-ttl"), help: "Access token lifetime; an expired token closes its stream.")
    var tokenTTL: String = "1h"

    @Option(help: "Time speed-up: simulated seconds per real second.")
    var speed: Double = 1

    @Option(help: "Play this JSONL file of call/state objects instead of generated traffic.")
    var script: String?

    @Option(help: "K-account of the simulated tenant.")
    var customer: String = "K1234"

    @Option(help: "Accept only this user name (default: any).")
    var username: String?

    @Option(help: "Accept only this password (with --username).")
    var password: String?

    func run() async throws {
        guard let address = DurationText.parseAddress(listen) else {
            throw CommandFailure.usage("--listen: expected host:port, got \(listen)")
        }
        guard let r = DurationText.parseRate(rate) else {
            throw CommandFailure.usage("--rate: expected a rate like 2/s, got \(rate)")
        }
        guard let ttl = DurationText.parse(tokenTTL) else {
            throw CommandFailure.usage("--token-ttl: expected a duration like 5m, got \(tokenTTL)")
        }
        guard speed > 0 else { throw CommandFailure.usage("--speed must be greater than 0") }
        var options = SimulatorOptions()
        options.host = address.host
        options.port = address.port
        options.traffic.rate = r
        options.traffic.calls = calls
        options.traffic.seed = seed
        options.traffic.extensions = extensions
        options.traffic.customer = customer
        options.tokenTTL = ttl
        options.speed = speed
        options.username = username
        options.password = password
        if let script {
            do {
                options.script = try ScriptFile.load(path: script, customer: customer)
            } catch {
                throw CommandFailure.invalidInput("\(error)")
            }
        }
        let logger = global.makeLogger()
        let simulator = Simulator(options: options, logger: logger)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: simulator)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await withThrowingDiscardingTaskGroup { tasks in
            tasks.addTask { try await group.run() }
            tasks.addTask {
                let base = await simulator.baseURL()
                let who = username.map { "user \($0)" } ?? "any user name and password"
                FileHandle.standardError.write(
                    Data("callhook sim: NFON CTI API at \(base) (\(who)); calls stream starts with the first client\n".utf8))
            }
        }
    }
}
