import Agents
import Calls
import Curl
import Foundation
import Synchronization

/// Shared pieces of the agent end-to-end tests: rules with a `vip` class,
/// a configuration with `agent_secret`, tokens, and a raw stream reader.
enum AgentFixture {
    static let secret = "e2e-agent-secret-5f1d0c9a7b"
    static let vipNumber = "+49891234567"

    static let rules = """
        [settings]
        country_code = "49"

        [list.vip]
        numbers = ["+49 89 1234567"]

        [[class]]
        name = "vip"
        when = { remote = { list = "vip" } }
        ringtone = "vip"
        alert_info = "<urn:alert:service:vip>"
        """

    /// `[server] agent_secret` appended to a configuration.
    static let serverSection = """

        [server]
        agent_secret = "\(secret)"
        """

    static func token(
        _ extensions: [String], customer: String? = nil, secret: String = AgentFixture.secret, expires: Duration = .seconds(3600)
    )
        throws -> String
    {
        try AgentToken(customer: customer, extensions: extensions, expires: WallClock.now() + expires).signed(secret: secret)
    }

    /// A call object with the caller's name (NFON's `caller_name`).
    static func call(_ uuid: String, _ state: String, ext: String = "100", at ms: Int) -> String {
        let line = Script.call(uuid, state, ext: ext, caller: vipNumber, at: ms)
        return String(line.dropLast()) + #","caller_name":"Anna Alt"}"#
    }
}

/// Reads an agent stream into a string as it comes, until cancelled.
final class AgentStreamReader: Sendable {
    let status: Int
    private final class Text: Sendable { let value = Mutex("") }
    private let text = Text()
    private let task: Task<Void, Never>
    private let client: HTTPClient
    private let stream: HTTPStream

    init(port: Int, token: String?, query: Bool = false) async throws {
        client = HTTPClient()
        var url = "http://127.0.0.1:\(port)/v1/agents/events"
        var headers: [(name: String, value: String)] = []
        if let token {
            if query { url += "?access_token=\(token)" } else { headers.append(("Authorization", "Bearer \(token)")) }
        }
        let stream = try await client.stream(HTTPRequest(url: url, headers: headers, timeout: nil))
        self.stream = stream
        status = stream.head.status
        let text = self.text
        task = Task {
            do {
                for try await chunk in stream { text.value.withLock { $0 += String(decoding: chunk, as: UTF8.self) } }
            } catch {}
        }
    }

    var received: String { text.value.withLock { $0 } }

    func close() {
        stream.cancel()
        task.cancel()
        client.shutdown()
    }
}
