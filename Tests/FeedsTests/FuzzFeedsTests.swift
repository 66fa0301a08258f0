import Calls
import Feeds
import Foundation
import Testing

/// How many generated inputs each fuzz test takes: a short run in CI,
/// `make fuzz` sets FUZZ_ITERATIONS=1000000.
let fuzzIterations = Int(ProcessInfo.processInfo.environment["FUZZ_ITERATIONS"] ?? "") ?? 3000

@Suite("fuzz: SSE parser and event decoder")
struct FuzzFeedsTests {
    static let fragments = [
        "data: ", "data:", "event: call\n", "id: 1\n", "retry: 10\n", ": c\n", "\n", "\r", "\r\n", "\n\n", "{\"uuid\":\"x\"}",
        "\u{0}", "\u{FEFF}", "é", "data: " + String(repeating: "y", count: 3000),
    ]

    @Test("the SSE parser takes any bytes, in any chunking, without crashing or exceeding its bounds")
    func sse() async {
        var rng = SeededRandom(seed: 1)
        var parser = SSEParser(maxLineBytes: 2048, maxEventBytes: 8192)
        var events = 0
        for iteration in 0..<fuzzIterations {
            // Let other tests run: a long synchronous loop would hold one of the
            // cooperative pool's two threads on this machine for seconds.
            if iteration % 64 == 0 { await Task.yield() }
            var chunk: [UInt8] = []
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                if rng.unit() < 0.5 {
                    chunk += Array(Self.fragments.randomElement(using: &rng)!.utf8)
                } else {
                    chunk += (0..<Int.random(in: 0...40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                }
            }
            for item in parser.feed(chunk) {
                if case .event(let e) = item {
                    events += 1
                    #expect(e.data.utf8.count <= 8192 * 4)
                    // Whatever the stream carries, the NFON decoder answers.
                    _ = try? NFONDecoder.call(e.data)
                    _ = try? NFONDecoder.state(e.data)
                }
            }
        }
        #expect(events > 0)
    }

    @Test("the event decoder rejects or accepts any mutation of a call object without crashing")
    func decoder() async {
        let base = Array(
            #"{"uuid":"715a1333-0174-40ea-8b38-67e289069476","state":"ring","caller":"0891234567","caller_context":"K9999","callee":"1000","direction":"inbound","extension":"1000","updated":"2025-09-23T16:51:22.954969226+02:00"}"#
                .utf8)
        var rng = SeededRandom(seed: 2)
        let decoder = JSONDecoder()
        var decoded = 0
        for iteration in 0..<fuzzIterations {
            // Let other tests run: a long synchronous loop would hold one of the
            // cooperative pool's two threads on this machine for seconds.
            if iteration % 64 == 0 { await Task.yield() }
            var bytes = base
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let i = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes[i] = UInt8.random(in: 0...255, using: &rng)
                case 1: bytes.remove(at: i)
                default: bytes.insert(Array(#"{}[]",:0a\"#.utf8).randomElement(using: &rng)!, at: i)
                }
            }
            let foundation = try? decoder.decode(CallEvent.self, from: Data(bytes))
            if let e = foundation {
                decoded += 1
                var tracker = CallTracker()
                _ = tracker.ingest(e, arrival: EventTime(nanoseconds: 0))
            }
            // The NFON decoder on the same bytes: never laxer, never different.
            if let e = bytes.withUnsafeBufferPointer({ try? NFONDecoder.call($0) }) {
                #expect(e == foundation)
                var tracker = CallTracker()
                _ = tracker.ingest(e, arrival: EventTime(nanoseconds: 0))
            }
        }
        #expect(decoded > 0)
    }
}
