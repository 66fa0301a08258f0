import Calls
import Testing

/// `utf8Contains(where:)` and `utf8AllSatisfy(_:)` answer as the UTF-8
/// view does, for small (inline) and large strings, ASCII and not.
@Suite struct StringUTF8BytesTests {
    @Test func answersAsTheUTF8ViewDoes() {
        let pieces = ["", "a", "Z", "0", "9", "\"", "\\", "\u{0}", "\u{7F}", "é", "€", "\u{2028}", "☎", "K1234"]
        var generator = SystemRandomNumberGenerator()
        let predicates: [(UInt8) -> Bool] = [
            { $0 < 0x20 }, { $0 >= 0x80 }, { $0 >= 0x30 && $0 <= 0x39 }, { $0 == 0x22 || $0 == 0x5C }, { _ in true },
        ]
        for round in 0..<2_000 {
            var text = ""
            for _ in 0..<[0, 1, 2, 5, 40][round % 5] { text += pieces.randomElement(using: &generator)! }
            for p in predicates {
                #expect(text.utf8Contains(where: p) == text.utf8.contains(where: p), "text: \(text.debugDescription)")
                #expect(text.utf8AllSatisfy(p) == text.utf8.allSatisfy(p), "text: \(text.debugDescription)")
            }
        }
    }
}
