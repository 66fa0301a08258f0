import Curl
import Feeds
import Foundation
import Logging

/// `callhook agent`: reads the agent event stream of a callhook server
/// through libcurl, prints each event, and runs `--exec COMMAND` on `ring`,
/// ending it on `answered`/`ended` of that call.
///
/// Reconnects with backoff (and after ~45 s without any byte, event or
/// keepalive); a refused token (401) ends it with `Failure.rejected`
/// instead of retrying forever.
public struct NativeAgent: Sendable {
    public enum Failure: Error, CustomStringConvertible {
        case rejected(String)
        case invalid(String)

        public var description: String {
            switch self {
            case .rejected(let why):
                "the server rejected the agent token (401): \(why); issue a new one with 'callhook agent-token'"
            case .invalid(let why): why
            }
        }
    }

    public var url: String
    public var token: String
    public var command: String?
    public var json: Bool
    /// Where lines go (stdout in the CLI).
    public var output: @Sendable (String) -> Void
    public var logger: Logger
    /// Reconnect when nothing arrived for this long.
    public var idleTimeout: Duration = .seconds(45)

    public init(
        url: String, token: String, command: String?, json: Bool, logger: Logger,
        output: @escaping @Sendable (String) -> Void
    ) {
        self.url = url
        self.token = token
        self.command = command
        self.json = json
        self.logger = logger
        self.output = output
    }

    /// The stream's URL for a server's base URL (`http://host:port`).
    public static func eventsURL(_ base: String) -> String {
        var b = base
        while b.hasSuffix("/") { b.removeLast() }
        return b + "/v1/agents/events"
    }

    /// Runs until cancelled (returns normally) or the token is rejected (throws).
    public func run() async throws(Failure) {
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw .invalid("--url: expected http://HOST:PORT, got \(url)")
        }
        let client = HTTPClient(maxConnections: 4)
        defer { client.shutdown() }
        let commands = RunningCommands()
        defer { commands.stopAll() }
        var backoff = Backoff()
        var rng = SystemRandomNumberGenerator()
        while !Task.isCancelled {
            let started = ContinuousClock.now
            do {
                try await session(client: client, commands: commands)
            } catch let failure as Failure {
                throw failure
            } catch {
                if Task.isCancelled { return }
                logger.warning("agent stream ended; reconnecting", metadata: ["error": "\(error)"])
            }
            // Forget what rang: the ring-on-connect frames say what still does.
            commands.stopAll()
            backoff.connectionEnded(after: ContinuousClock.now - started)
            do { try await Task.sleep(for: backoff.next(using: &rng)) } catch { return }
        }
    }

    /// One connection: reads until the stream ends, fails or goes silent.
    func session(client: HTTPClient, commands: RunningCommands) async throws {
        let request = HTTPRequest(
            url: Self.eventsURL(url), headers: [("Authorization", "Bearer \(token)"), ("Accept", "text/event-stream")],
            timeout: nil, connectTimeout: .seconds(10))
        let stream = try await client.stream(request)
        if stream.head.status == 401 || stream.head.status == 403 {
            var body: [UInt8] = []
            for try await chunk in stream where body.count < 4096 { body += chunk }
            let text = String(decoding: body, as: UTF8.self)
            throw Failure.rejected(Self.errorMessage(text) ?? "status \(stream.head.status)")
        }
        guard stream.head.status == 200 else {
            stream.cancel()
            throw StatusError(status: stream.head.status)
        }
        logger.info("agent connected", metadata: ["url": "\(Self.eventsURL(url))"])
        let last = LastActivity()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                var parser = SSEParser()
                for try await chunk in stream {
                    last.touch()
                    for item in parser.feed(chunk) {
                        if case .event(let e) = item { handle(AgentLine(event: e.type, data: e.data), commands: commands) }
                    }
                }
            }
            group.addTask {
                while true {
                    try await Task.sleep(for: idleTimeout / 4)
                    if last.silence() > idleTimeout {
                        stream.cancel()
                        throw StatusError(status: 0)
                    }
                }
            }
            defer { group.cancelAll() }
            _ = try await group.next()
        }
    }

    /// Prints the event and starts or stops the command.
    func handle(_ line: AgentLine, commands: RunningCommands) {
        output(json ? line.json : line.text)
        guard let call = line.call else { return }
        let key = call + "\u{1F}" + (line.fields["extension"] ?? "")
        switch line.event {
        case "ring":
            guard let command, !commands.isRunning(key) else { return }
            do {
                commands.add(key, try RingCommand(command: command, environment: line.environment))
            } catch {
                logger.error("--exec failed", metadata: ["error": "\(error)"])
            }
        case "answered", "ended":
            commands.stop(key)
        default:
            break
        }
    }

    static func errorMessage(_ body: String) -> String? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] else { return nil }
        return object["error"] as? String
    }

    struct StatusError: Error, CustomStringConvertible {
        var status: Int
        var description: String { status == 0 ? "no data for too long" : "the server answered \(status)" }
    }
}
