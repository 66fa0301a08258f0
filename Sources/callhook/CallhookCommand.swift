import ArgumentParser
import Callhook
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The `callhook` command line: thin; each subcommand parses its arguments
/// and calls into the modules.
@main
struct CallhookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "callhook",
        abstract: "Turns telephone call events into HTTP callbacks.",
        version: CallhookVersion.current,
        subcommands: [
            DemoCommand.self, RunCommand.self, CheckCommand.self, TestCommand.self, SimCommand.self, QueueCommand.self,
            VersionCommand.self, AgentTokenCommand.self, AgentCommand.self,
        ]
    )

    /// Exit status: 0 success, 1 invalid input, 2 usage, 3 runtime failure.
    static func main() async {
        // A parent may have blocked these (spawned children inherit the
        // mask); the service group must see them.
        var set = sigset_t()
        sigemptyset(&set)
        for s in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&set, s) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        do {
            var command = try parseAsRoot()
            if var async = command as? any AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data((failure.message + "\n").utf8))
            Foundation.exit(failure.status)
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                exit(withError: error)
            }
            // Usage problems (ArgumentParser's 64) are exit status 2.
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            if code == .validationFailure { Foundation.exit(2) }
            Foundation.exit(3)
        }
    }
}

/// A failure with the exit status the CLI contract gives it.
struct CommandFailure: Error {
    var status: Int32
    var message: String

    static func invalidInput(_ m: String) -> CommandFailure { CommandFailure(status: 1, message: m) }
    static func usage(_ m: String) -> CommandFailure { CommandFailure(status: 2, message: m) }
    static func runtime(_ m: String) -> CommandFailure { CommandFailure(status: 3, message: m) }
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        print("callhook \(CallhookVersion.current)")
    }
}
