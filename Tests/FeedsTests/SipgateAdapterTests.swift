import Calls
import Feeds
import Testing

@Suite("sipgate.io adapter")
struct SipgateAdapterTests {
    /// Bodies shaped like sipgate.io's: `%5B%5D`-encoded brackets, `+` and `%20`.
    static let newCallIn =
        "event=newCall&direction=in&from=492111234567&to=4915791234567&callId=123456&origCallId=123456"
        + "&user%5B%5D=Alice+Liddell&user%5B%5D=Bob%20Builder&userId%5B%5D=w0&userId%5B%5D=w1"
        + "&fullUserId%5B%5D=1234567w0&fullUserId%5B%5D=1234567w1&xcid=abc"
    static let answerIn =
        "event=answer&direction=in&from=492111234567&to=4915791234567&callId=123456&user=Bob+Builder"
        + "&userId=w1&fullUserId=1234567w1&answeringNumber=4915791234567"
    static func hangup(_ id: String, _ cause: String, direction: String = "in") -> String {
        "event=hangup&cause=\(cause)&callId=\(id)&from=492111234567&to=4915791234567&direction=\(direction)"
            + "&answeringNumber=4915791234567"
    }

    let clock = ManualClock(wall: EventTime(nanoseconds: 1_767_225_600_000_000_000))

    func push(_ body: String) throws -> SipgatePush { try SipgatePush(body: Array(body.utf8)) }

    /// Runs bodies through the adapter and a real tracker, a second apart.
    func run(_ bodies: [String], adapter: SipgateAdapter? = nil) throws -> (events: [CallEvent], phases: [CallPhaseEvent]) {
        let adapter = adapter ?? SipgateAdapter(customer: "ingest", clock: clock.clock)
        var tracker = CallTracker()
        var events: [CallEvent] = []
        var phases: [CallPhaseEvent] = []
        for body in bodies {
            for e in adapter.events(for: try push(body)) {
                events.append(e)
                phases += tracker.ingest(e, arrival: clock.clock.wallTime())
            }
            clock.advance(by: .seconds(1))
        }
        return (events, phases)
    }

    @Test("form bodies: percent-decoding, plus as space, repeated keys, bounds")
    func formBody() throws {
        let form = try FormBody(Self.newCallIn)
        #expect(form.all("user[]") == ["Alice Liddell", "Bob Builder"])
        #expect(form.first("userId[]") == "w0")
        #expect(form.first("callId") == "123456")
        let odd = try FormBody("a=%zz&b=%4&c=50%25&&d&e=x=y&%F0%9F%98%80=%FF")
        #expect(odd.first("a") == "%zz" && odd.first("b") == "%4" && odd.first("c") == "50%")
        #expect(odd.first("d") == "" && odd.first("e") == "x=y")
        #expect(odd.first("😀") == "\u{FFFD}")
        #expect(throws: IngestError.self) { try FormBody(String(repeating: "a=1&", count: FormBody.maximumPairs + 1)) }
    }

    @Test("a push is decoded with its arrays and singular fields")
    func decodePush() throws {
        let p = try push(Self.newCallIn)
        #expect(p.event == .newCall && p.direction == .in && p.callId == "123456")
        #expect(p.users == ["Alice Liddell", "Bob Builder"] && p.userIds == ["w0", "w1"])
        #expect(p.fullUserIds == ["1234567w0", "1234567w1"] && p.xcid == "abc")
        let a = try push(Self.answerIn)
        #expect(a.users == ["Bob Builder"] && a.userIds == ["w1"] && a.answeringNumber == "4915791234567")
        #expect(try push("event=dtmf&callId=1&dtmf=5").event == .other("dtmf"))
        #expect(throws: IngestError.self) { try push("callId=1") }
        #expect(throws: IngestError.self) { try push("event=hangup&cause=busy") }
        #expect(throws: IngestError.self) { try push("event=newCall&callId=1&direction=sideways") }
    }

    @Test("newCall → answer → hangup(normalClearing): ring, answer, hangup; cause answered")
    func answeredCall() throws {
        let (events, phases) = try run([Self.newCallIn, Self.answerIn, Self.hangup("123456", "normalClearing")])
        #expect(events.map(\.state) == ["ring", "answer", "hangup"])
        for e in events {
            #expect(e.uuid == "123456" && e.extension == "w0" && e.customer == "ingest" && e.direction == .inbound)
            #expect(e.caller == "492111234567" && e.callee == "4915791234567" && e.calleeName == "Alice Liddell")
        }
        #expect(events[0].updated == "2026-01-01T00:00:00Z" && events[2].updated == "2026-01-01T00:00:02Z")
        #expect(events[2].error == nil)
        #expect(phases.map(\.phase) == [.incoming, .answered, .ended])
        #expect(phases.last?.leg.cause == .answered)
        #expect(phases.last?.leg.talkDuration == .seconds(1))
    }

    @Test(
        "unanswered inbound hang-up causes",
        arguments: [
            ("noAnswer", EndCause.missed), ("cancel", .missed), ("normalClearing", .missed), ("forwarded", .missed),
            ("busy", .busy), ("congestion", .failed), ("notFound", .failed),
        ])
    func inboundCauses(cause: String, expected: EndCause) throws {
        let (_, phases) = try run([Self.newCallIn, Self.hangup("123456", cause)])
        #expect(phases.map(\.phase) == [.incoming, .ended, .missed])
        #expect(phases[1].leg.cause == expected)
    }

    @Test("outbound newCall → outgoing; unanswered causes")
    func outbound() throws {
        let newCall = "event=newCall&direction=out&from=4921100000&to=4915799999&callId=out1&user%5B%5D=Alice&userId%5B%5D=w0"
        let (events, phases) = try run([newCall, Self.hangup("out1", "busy", direction: "out")])
        #expect(events.map(\.state) == ["dial", "hangup"])
        #expect(events[0].caller == "4921100000" && events[0].callee == "4915799999" && events[0].callerName == "Alice")
        #expect(events[0].calleeName == nil && events[1].extension == "w0")
        #expect(phases.map(\.phase) == [.outgoing, .ended])
        #expect(phases[1].leg.cause == .busy)
        let (_, cancelled) = try run([newCall, Self.hangup("out1", "cancel", direction: "out")])
        #expect(cancelled.last?.leg.cause == .cancelled)
        let (_, noAnswer) = try run([newCall, Self.hangup("out1", "noAnswer", direction: "out")])
        #expect(noAnswer.last?.leg.cause == .missed)
    }

    @Test("a call the adapter never saw start maps to a partial leg")
    func unknownCall() throws {
        let adapter = SipgateAdapter(clock: clock.clock)
        let (events, phases) = try run([Self.answerIn, Self.hangup("123456", "normalClearing")], adapter: adapter)
        #expect(events.first?.extension == "w1")
        #expect(phases.map(\.phase) == [.answered, .ended])
        #expect(phases.allSatisfy { $0.leg.partial })
        #expect(adapter.rememberedCalls == 0)
    }

    @Test("unknown events are accepted with no call events; memory is bounded and expires")
    func memory() throws {
        let adapter = SipgateAdapter(clock: clock.clock, capacity: 3, retention: .seconds(60))
        #expect(adapter.events(for: try push("event=dtmf&callId=123456&dtmf=1")).isEmpty)
        for i in 0..<10 {
            _ = adapter.events(for: try push("event=newCall&direction=in&from=1&to=2&callId=c\(i)&userId%5B%5D=w\(i)"))
            clock.advance(by: .seconds(1))
        }
        #expect(adapter.rememberedCalls == 3)
        // The newest is still known; the oldest was dropped.
        #expect(adapter.events(for: try push("event=answer&callId=c9")).first?.extension == "w9")
        #expect(adapter.events(for: try push("event=answer&callId=c0")).first?.extension == "")
        clock.advance(by: .seconds(61))
        #expect(adapter.events(for: try push("event=hangup&callId=c9&cause=normalClearing")).first?.extension == "")
    }

    @Test("the newCall answer asks for answer and hangup, XML-escaped")
    func xmlAnswer() {
        #expect(
            SipgateAdapter.newCallResponse(publicURL: "https://callhook.example.com/")
                == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response onAnswer=\"https://callhook.example.com/v1/ingest/sipgate\" onHangup=\"https://callhook.example.com/v1/ingest/sipgate\"/>\n"
        )
        let xml = SipgateAdapter.newCallResponse(publicURL: "https://h.example/a&b", token: "t&k=\"1\" <x>")
        #expect(xml.contains("onAnswer=\"https://h.example/a&amp;b/v1/ingest/sipgate?token=t%26k%3D%221%22%20%3Cx%3E\""))
        #expect(!xml.contains("a&b"))
        let quoted = SipgateAdapter.newCallResponse(publicURL: "https://h.example/\"><evil/>")
        #expect(quoted.contains("&quot;&gt;&lt;evil/&gt;") && !quoted.contains("<evil"))
    }
}
