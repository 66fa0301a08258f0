import Calls
import Foundation
import Logging
import RuleEngine
import Testing

@testable import Delivery

/// The dispatcher on SQLite under a seeded random mix of new requests
/// (few calls, so order keys repeat), answers (some 503: retries) and
/// time passing. Whatever the mix: a request is never sent again while it
/// is on the wire or once it was delivered, a call's request goes out only
/// after every earlier one of that call finished, and in the end each
/// request is delivered exactly once.
@Suite struct DispatcherPropertyTests {
    static let targets = """
        [target.crm]
        url = "http://127.0.0.1:9"
        concurrency = 3
        retry = { attempts = 20, initial = "100ms", factor = 1.0, max = "100ms" }
        """

    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func invariantsHoldUnderARandomMix(seed: UInt64) async throws {
        var rng = SeededRandom(seed: seed)
        let rig = try FreshRefillTests.Rig(Self.targets)
        var order: [String: [String]] = [:]  // call → ids in the order handed in
        var callOf: [String: String] = [:]
        var onTheWire: [String: FakeSender.Sent] = [:]
        var delivered: Set<String> = []
        var next = 0

        func check(_ sent: [FakeSender.Sent]) {
            for r in sent {
                #expect(onTheWire[r.id] == nil, "\(r.id) sent again while on the wire")
                #expect(!delivered.contains(r.id), "\(r.id) sent again after it was delivered")
                let call = callOf[r.id] ?? ""
                for earlier in (order[call] ?? []).prefix(while: { $0 != r.id }) {
                    #expect(delivered.contains(earlier), "\(r.id) went out before \(earlier) of the same call finished")
                }
                onTheWire[r.id] = r
            }
        }

        func answer(_ fraction: Double, failing: Double) {
            for (id, r) in onTheWire.sorted(by: { $0.key < $1.key }) where Double.random(in: 0..<1, using: &rng) < fraction {
                onTheWire[id] = nil
                if Double.random(in: 0..<1, using: &rng) < failing {
                    r.respond(503)
                } else {
                    r.respond(204)
                    delivered.insert(id)
                }
            }
        }

        for _ in 0..<300 {
            switch Int.random(in: 0..<4, using: &rng) {
            case 0:
                var items: [(id: String, call: String)] = []
                for _ in 0..<Int.random(in: 1...8, using: &rng) {
                    let id = "d\(next)"
                    let call = "c\(Int.random(in: 0..<6, using: &rng))"
                    next += 1
                    items.append((id, call))
                    order[call, default: []].append(id)
                    callOf[id] = call
                }
                try await rig.enqueue(items)
            case 1: answer(0.6, failing: 0.2)
            case 2: rig.time.advance(by: .milliseconds([0, 50, 150].randomElement(using: &rng)!))
            default: break
            }
            check(await rig.rounds(limit: 2))
        }
        // Drain: answer everything, let retries come due.
        var rounds = 0
        while delivered.count < next && rounds < 400 {
            answer(1, failing: 0)
            rig.time.advance(by: .milliseconds(100))
            check(await rig.rounds(limit: 2))
            rounds += 1
        }
        #expect(delivered.count == next, "all \(next) delivered (\(delivered.count)) within \(rounds) drain rounds")
        for id in delivered {
            let (d, _) = try #require(try await rig.store.delivery(id: id))
            #expect(d.status == .delivered)
        }
    }
}
