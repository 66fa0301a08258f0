import ArgumentParser
import Callhook
import Foundation
import RuleEngine

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the daemon: source, rules, durable delivery, health and metrics.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Configuration file (callhook.toml).")
    var config: String?

    @Option(help: "Rules directory (default: the file's `rules`, else ./Rules).")
    var rules: String?

    @Option(help: "Event source: nfon, simulator or none.")
    var source: String?

    @Option(help: "Address of the HTTP server (host:port).")
    var listen: String?

    @Option(help: "Data directory: the delivery queue (default: the file's `data`, else ./callhook-data).")
    var data: String?

    func run() async throws {
        var settings = try ConfigFile.load(config, missingEnvironment: .error)
        if let rules { settings.rules = rules }
        if let data {
            settings.data = data
            settings.queueURL = nil
        }
        if let listen { settings.listen = listen }
        if let source {
            guard let kind = DaemonConfig.SourceKind(rawValue: source) else {
                throw CommandFailure.usage("--source: expected nfon, simulator or none, got \(source)")
            }
            if kind == .nfon && config == nil {
                throw CommandFailure.usage("--source nfon needs a configuration file with [source.nfon] (--config FILE)")
            }
            if kind == .nfon,
                let incomplete = settings.nfon.firstIndex(where: { $0.isIncomplete }) ?? (settings.nfon.isEmpty ? 0 : nil)
            {
                throw CommandFailure.invalidInput(
                    "--source nfon: \(config ?? "the configuration") needs base_url, username, password and account in [source.nfon]"
                        + (settings.nfon.count > 1 ? " (entry \(incomplete + 1))" : ""))
            }
            settings.source = kind
        }
        // On a terminal: a live summary line below the logs (stderr).
        let console = Console(fileDescriptor: STDERR_FILENO)
        let live = console.isTerminal ? console : nil
        let logger = global.makeLogger(console: live)
        var daemon = Daemon(config: settings, version: CallhookVersion.current, logger: logger)
        daemon.liveStatus = live
        do {
            try await ShutdownPolicy.endingAtSecondSignal { try await daemon.run() }
        } catch let e as Daemon.Failure {
            if case .invalid = e { throw CommandFailure.invalidInput(e.description) }
            throw CommandFailure.runtime(e.description)
        }
    }
}
