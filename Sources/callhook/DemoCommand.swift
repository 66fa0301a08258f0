import ArgumentParser
import Callhook
import Foundation

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Simulated calls through the example rules to a local sink that prints each callback.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Address of the local sink (host:port; port 0 picks a free one).")
    var listen: String = "127.0.0.1:0"

    @Option(help: "New calls per second, e.g. 2/s, 30/m or 0.5.")
    var rate: String = "1/s"

    @Option(help: "Stop after this long, e.g. 30s or 5m (default: until Ctrl-C).")
    var duration: String?

    @Option(help: "Random seed of the simulated traffic.")
    var seed: UInt64 = 1

    @Option(help: "Rules directory (default: the example rules: ./Rules, else where callhook is installed).")
    var rules: String?

    func run() async throws {
        var options = Demo.Options()
        guard let address = DurationText.parseAddress(listen) else {
            throw CommandFailure.usage("--listen: expected host:port, got \(listen)")
        }
        guard let r = DurationText.parseRate(rate) else {
            throw CommandFailure.usage("--rate: expected a rate like 2/s, got \(rate)")
        }
        options.listenHost = address.host
        options.listenPort = address.port
        options.rate = r
        options.seed = seed
        // No rules on disk: the copy compiled into the binary, in a
        // temporary directory removed when the demo ends.
        var embedded: String?
        let directory: String
        if let found = rules ?? ExampleRules.find() {
            directory = found
        } else {
            do {
                directory = try ExampleRules.writeEmbedded()
                embedded = directory
            } catch {
                throw CommandFailure.runtime("the compiled-in example rules cannot be written: \(error); pass --rules DIR")
            }
        }
        defer { if let embedded { try? FileManager.default.removeItem(atPath: embedded) } }
        options.rulesDirectory = directory
        options.version = CallhookVersion.current
        if let duration {
            guard let d = DurationText.parse(duration) else {
                throw CommandFailure.usage("--duration: expected a duration like 30s, got \(duration)")
            }
            options.duration = d
        }
        let logger = global.makeLogger()
        logger.info(
            "demo rules",
            metadata: ["directory": "\(directory)", "from": "\(embedded == nil ? "disk" : "compiled into callhook")"])
        do {
            try await ShutdownPolicy.endingAtSecondSignal { try await Demo(options: options, logger: logger).run() }
        } catch let e as Demo.Failure {
            if case .rules = e { throw CommandFailure.invalidInput(e.description) }
            throw CommandFailure.runtime(e.description)
        } catch {
            throw CommandFailure.runtime("demo failed: \(error)")
        }
    }
}
