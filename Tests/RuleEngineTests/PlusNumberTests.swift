import Testing

@testable import RuleEngine

/// The byte fast path for list lines (`NumberPattern.plusNumber`) gives
/// exactly what `NumberPattern.parse` gives, for generated entries mixing
/// `+`, digits, separators, `*`, letters and comments' characters.
@Suite struct PlusNumberTests {
    @Test func agreesWithParseOnGeneratedEntries() {
        var settings = Settings()
        settings.countryCode = "49"
        let alphabet = Array("+0123456789 \t\r()-./*x#".utf8)
        var state: UInt64 = 0x5EED
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        var fast = 0
        for _ in 0..<20_000 {
            var bytes: [UInt8] = next() % 2 == 0 ? [UInt8(ascii: "+")] : []
            for _ in 0..<(next() % 22) { bytes.append(alphabet[next() % alphabet.count]) }
            let text = String(decoding: bytes, as: UTF8.self)
            let quick = bytes.withUnsafeBufferPointer { NumberPattern.plusNumber($0) }
            guard let quick else { continue }
            fast += 1
            #expect(NumberPattern.parse(text, settings: settings) == .number(quick), "\(text)")
        }
        #expect(fast > 1_000, "too few entries took the fast path to compare")
        #expect([UInt8]("+49 (89) 123-45.67/8".utf8).withUnsafeBufferPointer { NumberPattern.plusNumber($0) } == 4_989_123_456_78)
    }
}
