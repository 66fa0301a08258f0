import Calls
import Testing

/// `CallLeg.Key` hashes its three strings once; equality and hashing must
/// still follow the strings, as a derived `Hashable` did.
@Suite("call leg key")
struct CallLegKeyTests {
    typealias Key = CallLeg.Key

    @Test("keys equal exactly when customer, uuid and extension are equal, and equal keys hash alike")
    func equality() {
        let a = Key(customer: "K1", uuid: "u1", extension: "100")
        #expect(a == Key(customer: "K1", uuid: "u1", extension: "100"))
        #expect(a.hashValue == Key(customer: "K1", uuid: "u1", extension: "100").hashValue)
        #expect(a != Key(customer: "K2", uuid: "u1", extension: "100"))
        #expect(a != Key(customer: "K1", uuid: "u2", extension: "100"))
        #expect(a != Key(customer: "K1", uuid: "u1", extension: "101"))
        // The parts are not run together: moving a character between two
        // of them is another key.
        #expect(Key(customer: "K1", uuid: "u11", extension: "00") != Key(customer: "K1", uuid: "u1", extension: "100"))
        #expect(Key(customer: "", uuid: "K1u1", extension: "100") != Key(customer: "K1", uuid: "u1", extension: "100"))
    }

    @Test("canonically equivalent strings are the same key, as Swift strings compare")
    func canonicalEquivalence() {
        let composed = Key(customer: "K1", uuid: "caf\u{E9}", extension: "100")
        let decomposed = Key(customer: "K1", uuid: "cafe\u{301}", extension: "100")
        #expect(composed == decomposed)
        #expect(composed.hashValue == decomposed.hashValue)
        #expect(Set([composed, decomposed]).count == 1)
    }

    @Test("a dictionary of 10,000 keys finds every one and no other")
    func dictionary() {
        var table: [Key: Int] = [:]
        for i in 0..<10_000 { table[Key(customer: "K\(i % 7)", uuid: "call-\(i)", extension: "\(100 + i % 50)")] = i }
        #expect(table.count == 10_000)
        for i in 0..<10_000 {
            #expect(table[Key(customer: "K\(i % 7)", uuid: "call-\(i)", extension: "\(100 + i % 50)")] == i)
        }
        #expect(table[Key(customer: "K1", uuid: "call-0", extension: "100")] == nil)
    }
}
