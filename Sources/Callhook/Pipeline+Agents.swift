import Agents
import RuleEngine

extension Pipeline {
    /// Sends `ring`, `answered` and `ended` of each call leg to the agents
    /// of its extension from now on.
    public func attachAgents(_ hub: AgentHub) { agentHub = hub }

    /// Publishes what agents hear of one engine result. The hub never
    /// waits (a slow agent is disconnected), so neither does the pipeline.
    func publishToAgents(_ result: EngineResult) {
        guard let hub = agentHub,
            let event = AgentEvent.from(
                result, rules: engine.rules,
                directory: engine.directory(for: result.event?.leg.key.customer ?? result.lineChange?.customer ?? ""))
        else { return }
        hub.publish(event)
    }
}
