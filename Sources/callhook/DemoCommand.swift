import ArgumentParser
import Callhook

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
        guard let directory = rules ?? ExampleRules.find() else {
            throw CommandFailure.invalidInput(
                "the example rules are not found: looked in "
                    + ExampleRules.candidates(executable: ExampleRules.executablePath(), workingDirectory: ".").joined(
                        separator: ", ") + "; pass --rules DIR")
        }
        options.rulesDirectory = directory
        options.version = CallhookVersion.current
        if let duration {
            guard let d = DurationText.parse(duration) else {
                throw CommandFailure.usage("--duration: expected a duration like 30s, got \(duration)")
            }
            options.duration = d
        }
        let logger = global.makeLogger()
        logger.info("demo rules", metadata: ["directory": "\(directory)"])
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
