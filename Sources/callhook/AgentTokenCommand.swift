import Agents
import ArgumentParser
import Callhook
import Calls

/// `callhook agent-token`: prints a token for agents of some extensions,
/// signed with `server.agent_secret` of the configuration.
struct AgentTokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent-token", abstract: "Issue an agent token for the event stream and the web agent.")

    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("extension"), help: "An extension the token may see (repeat for several).")
    var extensions: [String] = []
    @Option(help: "The customer (K-account) the extensions belong to; without it, any customer.")
    var customer: String?
    @Option(help: "How long the token is valid, e.g. 8h, 30d.")
    var ttl = "30d"
    @Option(help: "The configuration file whose server.agent_secret signs the token.")
    var config: String?

    func run() throws {
        guard !extensions.isEmpty else { throw CommandFailure.usage("name at least one --extension") }
        guard let duration = DurationText.parse(ttl), duration > .zero else {
            throw CommandFailure.usage("--ttl: expected a positive duration like 8h or 30d, got \(ttl)")
        }
        let daemon = try ConfigFile.load(config, missingEnvironment: .error)
        guard let secret = daemon.agentSecret, !secret.isEmpty else {
            throw CommandFailure.invalidInput(
                "server.agent_secret is not set in \(config ?? "the default configuration (no --config given)"): "
                    + "set it to a long random value to use agents")
        }
        do {
            print(
                try AgentToken.issue(
                    customer: customer, extensions: extensions, ttl: duration, now: WallClock.now(), secret: secret))
        } catch {
            throw CommandFailure.invalidInput(error.description)
        }
    }
}
