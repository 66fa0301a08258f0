import ArgumentParser
import Callhook
import Foundation
import Logging

/// `callhook agent`: the native desktop agent (see `NativeAgent`).
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent", abstract: "Print agent events of a callhook server and run a command on ring.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "The callhook server, http://HOST:PORT.")
    var url: String
    @Option(help: "An agent token from 'callhook agent-token'.")
    var token: String
    @Option(
        name: .customLong("exec"), help: "Run with /bin/sh -c on ring (CALLHOOK_* variables set); ended on answer or hang-up.")
    var command: String?
    @Flag(help: "Print each event as a JSON line.")
    var json = false

    func run() async throws {
        let logger = global.makeLogger()
        let agent = NativeAgent(url: url, token: token, command: command, json: json, logger: logger) { line in
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
        do {
            try await agent.runUntilSignalled()
        } catch {
            throw CommandFailure.invalidInput("callhook agent: \(error)")
        }
    }
}
