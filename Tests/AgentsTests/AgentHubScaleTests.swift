import Calls
import Logging
import Testing

@testable import Agents

/// The shape of the P5 benchmark (200 extensions, 5 agents each), checked
/// for correctness: every agent gets exactly its extension's events.
@Suite struct AgentHubScaleTests {
    @Test func thousandAgentsEachGetExactlyTheirExtensionsEvents() async {
        let hub = AgentHub(clock: ManualClock().clock, logger: Logger(label: "test"))
        var agents: [(ext: String, it: AsyncStream<String>.Iterator)] = []
        for e in 0..<200 {
            for _ in 0..<5 {
                var it = hub.subscribe(scope: AgentScope(customer: "K1", extensions: ["\(100 + e)"])).makeAsyncIterator()
                _ = await it.next()
                agents.append(("\(100 + e)", it))
            }
        }
        #expect(hub.statistics.connected == 1000)
        for e in 0..<200 {
            hub.publish(
                .ring(
                    call: "call-\(100 + e)", customer: "K1", extension: "\(100 + e)", direction: .inbound,
                    remote: .init(number: "0891234"), ringtone: "external"))
        }
        hub.heartbeat()
        for i in agents.indices {
            let first = await agents[i].it.next()
            #expect(first?.contains("\"call\":\"call-\(agents[i].ext)\"") == true)
            // Nothing else was meant for this agent: the next frame is the heartbeat.
            #expect(await agents[i].it.next() == SSEFrame.keepalive)
        }
        hub.shutdown()
        #expect(hub.statistics.disconnects == [.shutdown: 1000])
    }
}
