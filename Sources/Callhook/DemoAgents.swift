import Agents
import Calls
import Foundation
import Logging
import Server

/// The demo's agents: a hub, a random secret for this run, and the routes
/// serving the agent page and stream on the demo's address.
struct DemoAgents: Sendable {
    /// The extension whose agent URL the demo prints (it gets calls in the
    /// simulation: the simulator numbers its extensions from 100).
    static let demoExtension = "100"

    let hub: AgentHub
    let secret: String
    let routes: AgentRoutes

    init(logger: Logger) {
        hub = AgentHub(logger: logger)
        var rng = SystemRandomNumberGenerator()
        secret = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &rng)) }.joined()
        routes = AgentRoutes(hub: hub, secret: secret, logger: logger)
    }

    /// A token for the demo extension, valid for a day.
    func token(now: EventTime = WallClock.now()) -> String {
        (try? AgentToken.issue(customer: nil, extensions: [Self.demoExtension], ttl: .seconds(86_400), now: now, secret: secret))
            ?? ""
    }

    /// The line the demo prints: the agent page of extension 100, ready to open.
    func announcement(host: String, port: Int) -> String {
        let shown = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host
        return "web agent for extension \(Self.demoExtension): http://\(shown):\(port)/agent#token=\(token())"
    }
}
