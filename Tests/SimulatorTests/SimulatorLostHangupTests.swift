import Calls
import Foundation
import Testing

@testable import Simulator

/// The simulator's side of "no call is left open": the JSON states snapshot
/// follows the calls sent, and `--drop-stream-at-hangup` loses hang-ups.
@Suite("simulator: lost hang-ups and the states snapshot")
struct SimulatorLostHangupTests {
    func call(_ uuid: String, _ state: String, ext: String, _ dir: Direction = .inbound) -> CallEvent {
        CallEvent(
            uuid: uuid, state: state, caller: dir == .inbound ? "4989123456" : ext, callee: dir == .inbound ? ext : "4930123",
            direction: dir, extension: ext, customer: "K1234")
    }

    @Test("lines follow calls: ringing, in-use, idle; several calls on one extension")
    func linesFollowCalls() {
        var lines = SimulatedLines()
        func line(_ ext: String) -> String? { lines.lines[ext]?.line }
        lines.apply(call("a", "ring", ext: "100"))
        #expect(line("100") == "ringing")
        lines.apply(call("a", "answer", ext: "100"))
        #expect(line("100") == "in-use")
        lines.apply(call("b", "ring", ext: "100"))  // a second call knocks
        #expect(line("100") == "in-use")
        lines.apply(call("a", "hangup", ext: "100"))
        #expect(line("100") == "ringing")
        lines.apply(call("b", "hangup", ext: "100"))
        #expect(line("100") == "idle")
        lines.apply(call("c", "dial", ext: "101", .outbound))
        #expect(line("101") == "in-use")
        lines.apply(call("c", "hangup", ext: "101", .outbound))
        #expect(line("101") == "idle")
    }

    @Test("the first hang-up is sent after every calls stream was closed; the snapshot shows the extension idle")
    func dropStreamAtHangup() async throws {
        var options = SimulatorOptions()
        options.faults.dropStreamAtHangup = 1
        let hub = SimulatorHub(
            options: options,
            initialStates: [
                LineStateEvent(customer: "K1234", extension: "100", line: "idle", presence: "available"),
                LineStateEvent(customer: "K1234", extension: "101", line: "idle", presence: "away"),
            ])
        let first = await hub.subscribeCalls(expires: .now + .seconds(60))
        await hub.publish(.call(call("a", "ring", ext: "100")))
        await hub.publish(.call(call("a", "answer", ext: "100")))
        await hub.publish(.call(call("b", "ring", ext: "101")))
        await hub.publish(.call(call("b", "answer", ext: "101")))
        await hub.publish(.call(call("a", "hangup", ext: "100")))
        var received = ""
        for await chunk in first { received += String(decoding: chunk, as: UTF8.self) }  // ends: the stream was closed
        #expect(received.components(separatedBy: "data: ").count - 1 == 4)
        #expect(!received.contains("hangup"))
        #expect(await hub.callSubscriberCount == 0)

        let snapshot = await hub.snapshot(extensions: [])
        #expect(snapshot.map(\.extension) == ["100", "101"])
        #expect(snapshot[0].line == "idle" && snapshot[0].updated != nil && snapshot[0].presence == "available")
        #expect(snapshot[1].line == "in-use" && snapshot[1].presence == "away")
        #expect(await hub.snapshot(extensions: ["101"]).map(\.extension) == ["101"])

        // A client that reconnects gets the next hang-up: only the first N are lost.
        let second = await hub.subscribeCalls(expires: .now + .seconds(60))
        await hub.publish(.call(call("b", "hangup", ext: "101")))
        await hub.closeAll()
        var again = ""
        for await chunk in second { again += String(decoding: chunk, as: UTF8.self) }
        #expect(again.contains("hangup"))
        #expect(await hub.snapshot(extensions: ["101"]).first?.line == "idle")
    }
}
