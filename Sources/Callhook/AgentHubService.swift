import Agents
import ServiceLifecycle

/// The agent hub in a service group: writes its heartbeats every 15 s and,
/// at graceful shutdown, ends every agent's stream (reason `shutdown`) so
/// the server's open responses finish and the server can stop.
///
/// Put it after the server in the group: services shut down in reverse
/// order, so the streams end before the server waits for its requests.
public struct AgentHubService: Service {
    public let hub: AgentHub

    public init(hub: AgentHub) { self.hub = hub }

    public func run() async {
        await withGracefulShutdownHandler {
            await cancelWhenGracefulShutdown { await hub.runHeartbeats() }
        } onGracefulShutdown: {
            hub.shutdown()
        }
        hub.shutdown()
    }
}
