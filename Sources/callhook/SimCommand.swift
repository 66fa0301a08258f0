import ArgumentParser
import Callhook
import Foundation
import ServiceLifecycle
import Simulator

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

    @Option(help: "K-account of the simulated tenant (the first, with --tenants).")
    var customer: String = "K1234"

    @Option(help: "Serve this many K-accounts (K1234, K1235, …), each logging in with its K-account as user name.")
    var tenants: Int = 1

    @Option(help: "Accept only this user name (default: any; one tenant only).")
    var username: String?

    @Option(help: "Accept only this password (with --username).")
    var password: String?

    @Option(help: "Keepalive comment interval on idle streams, e.g. 15s.")
    var keepalive: String = "15s"

    @Option(
        help:
            "Fault: the first N logins fail with STATUS (STATUS:N, e.g. 401:2), or every login and refresh for a time from the first login (STATUS:DURATION, e.g. 401:60s)."
    )
    var failLogin: String?

    @Option(
        help:
            "Fault: with --fail-login STATUS:DURATION, the window starts after N call events; tokens are revoked and streams closed then."
    )
    var failLoginAfter: Int?

    @Option(help: "Faults apply to this tenant only (1 … --tenants; default: every tenant).")
    var faultTenant: Int?

    @Option(help: "Fault: close every calls stream after N call events.")
    var dropEvery: Int?

    @Option(help: "Fault: the first calls stream goes silent after N call events (no keepalives either).")
    var silentAfter: Int?

    @Option(help: "Fault: the first calls stream sends malformed JSON after N call events.")
    var malformedAfter: Int?

    @Option(help: "Fault: the first calls stream sends a 2 MiB line after N call events.")
    var oversizedAfter: Int?

    @Option(help: "Fault: the first calls stream sends 4 KiB of random bytes after N call events.")
    var garbageAfter: Int?

    @Option(
        name: .customLong("drop-stream-at-hangup"),
        help: "Fault: every calls stream is closed just before each of the first N hang-ups, so clients miss them.")
    var dropStreamAtHangup: Int?

    @Option(help: "Lookup service (/lookup): delay of each answer, e.g. 50ms.")
    var lookupDelay = "0ms"

    @Option(help: "Lookup service (/lookup): share of answers that are a 500, 0 to 1.")
    var lookupFailureRate: Double = 0

    func faults() throws -> SimulatorFaults {
        var f = SimulatorFaults()
        if let failLogin {
            let parts = failLogin.split(separator: ":").map(String.init)
            let count = parts.count == 2 ? Int(parts[1]) : nil
            let window = parts.count == 2 && count == nil ? DurationText.parse(parts[1]) : nil
            guard parts.count == 2, let status = Int(parts[0]), (400..<600).contains(status),
                count.map({ $0 >= 0 }) ?? (window.map { $0 > .zero } ?? false)
            else {
                throw CommandFailure.usage(
                    "--fail-login: expected STATUS:N such as 401:2 or STATUS:DURATION such as 401:60s, got \(failLogin)")
            }
            f.loginStatus = status
            f.loginFailures = count ?? 0
            f.loginFailureWindow = window
        }
        if let failLoginAfter {
            guard f.loginFailureWindow != nil, failLoginAfter >= 1 else {
                throw CommandFailure.usage(
                    "--fail-login-after: expected a count of at least 1, with --fail-login STATUS:DURATION")
            }
            f.loginFailureAfter = failLoginAfter
        }
        for (name, value) in [
            ("--drop-every", dropEvery), ("--silent-after", silentAfter), ("--malformed-after", malformedAfter),
            ("--oversized-after", oversizedAfter), ("--garbage-after", garbageAfter),
            ("--drop-stream-at-hangup", dropStreamAtHangup),
        ] {
            if let v = value, v < (name == "--drop-every" ? 1 : 0) {
                throw CommandFailure.usage("\(name): expected a count, got \(v)")
            }
        }
        f.dropEvery = dropEvery
        f.silentAfter = silentAfter
        f.malformedAfter = malformedAfter
        f.oversizedAfter = oversizedAfter
        f.garbageAfter = garbageAfter
        f.dropStreamAtHangup = dropStreamAtHangup ?? 0
        return f
    }

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
        guard let keepaliveInterval = DurationText.parse(keepalive), keepaliveInterval > .zero else {
            throw CommandFailure.usage("--keepalive: expected a duration like 15s, got \(keepalive)")
        }
        guard let lookupDelay = DurationText.parse(lookupDelay) else {
            throw CommandFailure.usage("--lookup-delay: expected a duration like 50ms, got \(self.lookupDelay)")
        }
        guard (0...1).contains(lookupFailureRate) else { throw CommandFailure.usage("--lookup-failure-rate: 0 to 1") }
        guard (1...100).contains(tenants) else { throw CommandFailure.usage("--tenants: expected 1 to 100, got \(tenants)") }
        if let faultTenant, !(1...tenants).contains(faultTenant) {
            throw CommandFailure.usage("--fault-tenant: expected 1 to \(tenants) (--tenants), got \(faultTenant)")
        }
        if tenants > 1 && username != nil {
            throw CommandFailure.usage("--username: with --tenants each tenant's user name is its K-account")
        }
        if tenants > 1 && script != nil { throw CommandFailure.usage("--script plays one tenant; leave out --tenants") }
        var options = SimulatorOptions()
        options.tenants = tenants
        options.faultTenant = faultTenant
        options.lookupDelay = lookupDelay
        options.lookupFailureRate = lookupFailureRate
        options.keepaliveInterval = keepaliveInterval
        options.faults = try faults()
        options.host = address.host
        options.port = address.port
        options.traffic.rate = r
        options.traffic.calls = calls
        options.traffic.seed = seed
        options.traffic.extensions = extensions
        options.traffic.customer = customer
        options.tokenTTL = ttl
        guard speed.isFinite, speed > 0 else {
            throw CommandFailure.usage("--speed must be a number above 0 (simulated seconds per real second), not \(speed)")
        }
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
        // On a terminal: a live summary line below the logs (stderr).
        let console = Console(fileDescriptor: STDERR_FILENO)
        let live = console.isTerminal ? console : nil
        let logger = global.makeLogger(console: live)
        let simulator = Simulator(options: options, logger: logger)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: simulator)]
        if let live {
            services.append(
                .init(
                    service: LiveStatus(console: live) {
                        "▶ sim · events published \(await simulator.publishedCount())"
                    }))
        }
        let group = ShutdownPolicy.group(services, logger: logger)
        do {
            try await ShutdownPolicy.endingAtSecondSignal {
                try await withThrowingDiscardingTaskGroup { tasks in
                    tasks.addTask { try await group.run() }
                    tasks.addTask {
                        // A simulator that cannot listen fails the group with the reason.
                        guard let base = try? await simulator.baseURL() else { return }
                        let who =
                            tenants > 1
                            ? "tenants \(simulator.customers.joined(separator: ", ")): user name = K-account"
                                + (password == nil ? ", any password" : "")
                            : username.map { "user \($0)" } ?? "any user name and password"
                        let text = "callhook sim: NFON CTI API at \(base) (\(who)); calls stream starts with the first client"
                        if let live { live.print(text) } else { FileHandle.standardError.write(Data((text + "\n").utf8)) }
                    }
                }
            }
        } catch {
            throw CommandFailure.runtime("callhook sim stopped: \(error)")
        }
    }
}
