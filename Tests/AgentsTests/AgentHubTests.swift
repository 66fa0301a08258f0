import Calls
import Logging
import Testing

@testable import Agents

/// Frames are yielded synchronously by `publish`, so a test reads exactly
/// what has been published so far without waiting.
@Suite struct AgentHubTests {
    let logger = Logger(label: "test")

    func hub(_ configuration: AgentHub.Configuration = .init(), clock: ManualClock = ManualClock()) -> AgentHub {
        AgentHub(configuration: configuration, clock: clock.clock, logger: logger)
    }

    static func ring(_ call: String, ext: String = "100", customer: String = "K1", ringtone: String? = "vip") -> AgentEvent {
        .ring(
            call: call, customer: customer, extension: ext, direction: .inbound,
            remote: .init(number: "+4989123", e164: "+4989123", name: "Anna Alt", company: "Alt GmbH", className: "vip"),
            ringtone: ringtone, alertInfo: "<urn:alert:service:vip>")
    }

    static func answered(_ call: String, ext: String = "100", customer: String = "K1") -> AgentEvent {
        AgentEvent(kind: .answered, call: call, customer: customer, extension: ext, direction: .inbound)
    }

    static func ended(_ call: String, ext: String = "100", customer: String = "K1") -> AgentEvent {
        AgentEvent(kind: .ended, call: call, customer: customer, extension: ext, direction: .inbound, cause: "missed")
    }

    /// The `id:` of an event frame.
    static func id(_ frame: String) -> UInt64? {
        guard frame.hasPrefix("id: "), let line = frame.split(separator: "\n").first else { return nil }
        return UInt64(line.dropFirst(4))
    }

    static func isEvent(_ frame: String?, _ kind: String, call: String) -> Bool {
        guard let frame else { return false }
        return frame.contains("\nevent: \(kind)\n") && frame.contains("\"call\":\"\(call)\"")
    }

    @Test func streamStartsWithRetryHintThenEvents() async {
        let hub = hub()
        var it = hub.subscribe(scope: AgentScope(customer: "K1", extensions: ["100"])).makeAsyncIterator()
        #expect(await it.next() == "retry: 3000\n\n")
        hub.publish(Self.ring("c1"))
        let frame = await it.next()
        #expect(
            frame == "id: 1\nevent: ring\ndata: {\"call\":\"c1\",\"customer\":\"K1\",\"extension\":\"100\","
                + "\"direction\":\"inbound\","
                + "\"remote\":{\"number\":\"+4989123\",\"e164\":\"+4989123\",\"display\":\"Anna Alt\",\"name\":\"Anna Alt\","
                + "\"company\":\"Alt GmbH\",\"class\":\"vip\"},\"ringtone\":\"vip\",\"alert_info\":\"<urn:alert:service:vip>\"}\n\n"
        )
        hub.publish(Self.ended("c1"))
        let ended = await it.next()
        #expect(
            ended == "id: 2\nevent: ended\ndata: {\"call\":\"c1\",\"customer\":\"K1\",\"extension\":\"100\","
                + "\"direction\":\"inbound\",\"cause\":\"missed\"}\n\n")
    }

    @Test func agentSeesOnlyItsExtensionsAndCustomer() async {
        let hub = hub()
        var mine = hub.subscribe(scope: AgentScope(customer: "K1", extensions: ["100"])).makeAsyncIterator()
        var anyCustomer = hub.subscribe(scope: AgentScope(customer: nil, extensions: ["100"])).makeAsyncIterator()
        _ = await mine.next()
        _ = await anyCustomer.next()
        hub.publish(Self.ring("for-101", ext: "101"))
        hub.publish(Self.ring("other-customer", customer: "K2"))
        hub.publish(Self.ring("mine"))
        #expect(Self.isEvent(await mine.next(), "ring", call: "mine"))
        #expect(Self.isEvent(await anyCustomer.next(), "ring", call: "other-customer"))
        #expect(Self.isEvent(await anyCustomer.next(), "ring", call: "mine"))
        hub.shutdown()
        #expect(await mine.next() == nil)
        #expect(await anyCustomer.next() == nil)
    }

    @Test func agentConnectingMidRingGetsTheRingAtOnce() async {
        let hub = hub()
        hub.publish(Self.ring("c1"))
        hub.publish(Self.ring("c2", ext: "101"))
        hub.publish(Self.ring("c3", customer: "K2"))
        var it = hub.subscribe(scope: AgentScope(customer: "K1", extensions: ["100"])).makeAsyncIterator()
        #expect(await it.next() == "retry: 3000\n\n")
        let replay = await it.next()
        #expect(Self.isEvent(replay, "ring", call: "c1"))
        #expect(replay.flatMap(Self.id) == 1)
        hub.publish(Self.answered("c1"))
        let answered = await it.next()
        #expect(Self.isEvent(answered, "answered", call: "c1"))
        #expect(answered.flatMap(Self.id) == 4)
    }

    @Test func answeredAndEndedRemoveTheRingingState() async {
        let hub = hub()
        hub.publish(Self.ring("c1"))
        hub.publish(Self.ring("c2"))
        #expect(hub.statistics.ringing == 2)
        hub.publish(Self.answered("c1"))
        hub.publish(Self.ended("c2"))
        #expect(hub.statistics.ringing == 0)
        var it = hub.subscribe(scope: AgentScope(customer: "K1", extensions: ["100"])).makeAsyncIterator()
        _ = await it.next()
        hub.publish(Self.ring("c3"))
        // The first event after the retry hint is the live one: nothing was replayed.
        #expect(Self.isEvent(await it.next(), "ring", call: "c3"))
    }

    @Test func slowAgentIsDisconnectedWhileFastAgentGetsEverything() async {
        let hub = hub(AgentHub.Configuration(bufferCapacity: 8))
        let scope = AgentScope(customer: "K1", extensions: ["100"])
        var fast = hub.subscribe(scope: scope).makeAsyncIterator()
        var slow = hub.subscribe(scope: scope).makeAsyncIterator()
        _ = await fast.next()
        var fastIDs: [UInt64] = []
        for n in 1...50 {
            hub.publish(n.isMultiple(of: 2) ? Self.ended("c\(n)") : Self.ring("c\(n)"))
            if let frame = await fast.next(), let id = Self.id(frame) { fastIDs.append(id) }
        }
        #expect(fastIDs == Array(1...50))
        // The slow one kept what fitted (retry hint + 7 events), then its stream ended.
        var slowFrames: [String] = []
        while let frame = await slow.next() { slowFrames.append(frame) }
        #expect(slowFrames.count == 8)
        #expect(slowFrames.dropFirst().compactMap(Self.id) == Array(1...7))
        let stats = hub.statistics
        #expect(stats.connected == 1)
        #expect(stats.disconnects == [.overflow: 1])
        #expect(stats.events == [.ring: 25, .ended: 25])
    }

    @Test func idsIncreaseAcrossKindsAndStreams() async {
        let hub = hub()
        var a = hub.subscribe(scope: AgentScope(customer: nil, extensions: ["100", "101"])).makeAsyncIterator()
        _ = await a.next()
        hub.publish(Self.ring("c1"))
        hub.publish(Self.ring("c2", ext: "101"))
        var b = hub.subscribe(scope: AgentScope(customer: nil, extensions: ["101"])).makeAsyncIterator()
        _ = await b.next()
        hub.publish(Self.answered("c2", ext: "101"))
        hub.publish(Self.ended("c1"))
        var ids: [UInt64] = []
        for _ in 0..<4 { if let f = await a.next(), let id = Self.id(f) { ids.append(id) } }
        #expect(ids == [1, 2, 3, 4])
        let replay = await b.next()
        #expect(Self.isEvent(replay, "ring", call: "c2") && replay.flatMap(Self.id) == 2)
        #expect(await b.next().flatMap(Self.id) == 3)
    }

    @Test func heartbeatWritesKeepaliveToEveryAgent() async {
        let hub = hub()
        var a = hub.subscribe(scope: AgentScope(customer: nil, extensions: ["100"])).makeAsyncIterator()
        var b = hub.subscribe(scope: AgentScope(customer: "K9", extensions: ["555"])).makeAsyncIterator()
        _ = await a.next()
        _ = await b.next()
        hub.heartbeat()
        #expect(await a.next() == ": keepalive\n\n")
        #expect(await b.next() == ": keepalive\n\n")
    }

    @Test func heartbeatsRunOnTheirInterval() async {
        let hub = AgentHub(configuration: .init(heartbeatInterval: .milliseconds(5)), logger: logger)
        var it = hub.subscribe(scope: AgentScope(customer: nil, extensions: ["100"])).makeAsyncIterator()
        _ = await it.next()
        let beats = Task { await hub.runHeartbeats() }
        // Waits for the frame itself; no guessed sleep.
        #expect(await it.next() == ": keepalive\n\n")
        beats.cancel()
        await beats.value
    }

    @Test func ringingTableIsBoundedAndForgetsTheOldest() async {
        let hub = hub(AgentHub.Configuration(ringingCapacity: 3))
        for n in 1...5 { hub.publish(Self.ring("c\(n)")) }
        #expect(hub.statistics.ringing == 3)
        var it = hub.subscribe(scope: AgentScope(customer: nil, extensions: ["100"])).makeAsyncIterator()
        _ = await it.next()
        var replayed: [UInt64] = []
        for _ in 0..<3 { if let f = await it.next(), let id = Self.id(f) { replayed.append(id) } }
        #expect(replayed == [3, 4, 5])
    }

    @Test func ringThatNeverEndsExpires() async {
        let clock = ManualClock()
        let hub = hub(AgentHub.Configuration(ringExpiry: .seconds(60)), clock: clock)
        hub.publish(Self.ring("c1"))
        clock.advance(by: .seconds(61))
        var it = hub.subscribe(scope: AgentScope(customer: nil, extensions: ["100"])).makeAsyncIterator()
        _ = await it.next()
        hub.heartbeat()
        // Not replayed: the next frame is the keepalive.
        #expect(await it.next() == ": keepalive\n\n")
        #expect(hub.statistics.ringing == 0)
    }

    @Test func cancelledReaderIsRemovedAsClient() async throws {
        let hub = hub()
        let subscription = hub.subscribe(scope: AgentScope(customer: nil, extensions: ["100"]))
        let reader = Task {
            for await _ in subscription {}
        }
        #expect(hub.statistics.connected == 1)
        reader.cancel()
        await reader.value
        #expect(hub.statistics.connected == 0)
        #expect(hub.statistics.disconnects == [.client: 1])
        // Publishing afterwards finds nobody and counts nothing more.
        hub.publish(Self.ring("c1"))
        #expect(hub.statistics.disconnects == [.client: 1])
    }

    @Test func cancelEndsOneStream() async {
        let hub = hub()
        let subscription = hub.subscribe(scope: AgentScope(customer: nil, extensions: ["100"]))
        var it = subscription.makeAsyncIterator()
        _ = await it.next()
        hub.cancel(subscription)
        #expect(await it.next() == nil)
        hub.cancel(subscription)
        #expect(hub.statistics.disconnects == [.client: 1])
    }

    @Test func subscribingAfterShutdownEndsAtOnce() async {
        let hub = hub()
        hub.shutdown()
        var it = hub.subscribe(scope: AgentScope(customer: nil, extensions: ["100"])).makeAsyncIterator()
        #expect(await it.next() == nil)
        #expect(hub.statistics.connected == 0)
    }

    @Test func jsonEscapesWhatWouldBreakAnSSEDataLine() {
        let event = AgentEvent.ring(
            call: "c\"1", customer: "K1", extension: "100", direction: .outbound,
            remote: .init(number: "123", name: "Line\nBreak\u{1}"), ringtone: "")
        #expect(
            event.json
                == "{\"call\":\"c\\\"1\",\"customer\":\"K1\",\"extension\":\"100\",\"direction\":\"outbound\",\"remote\":{\"number\":\"123\","
                + "\"display\":\"Line\\nBreak\\u0001\",\"name\":\"Line\\nBreak\\u0001\"},\"ringtone\":\"default\"}")
    }
}
