import Calls
import Feeds
import Foundation
import Testing

/// `NFONDecoder` against Foundation's `JSONDecoder` (the `Decodable`
/// conformances of `CallEvent` and `LineStateEvent`): on generated valid
/// JSON both give the same event or both refuse it; on any mutation, what
/// `NFONDecoder` accepts `JSONDecoder` accepts with the same result.
@Suite("fuzz: NFON decoder against JSONDecoder")
struct FuzzNFONDecoderTests {
    static let callFields = [
        "uuid", "state", "caller", "caller_context", "callee", "callee_context", "direction", "extension", "customer",
        "updated", "error", "caller_name", "callee_name",
    ]
    static let stateFields = ["customer", "extension", "line", "presence", "updated"]

    @Test("generated call and state objects decode exactly as JSONDecoder decodes them")
    func differential() async {
        var rng = SeededRandom(seed: 3)
        var gen = JSONGenerator()
        let decoder = JSONDecoder()
        var accepted = 0
        var refused = 0
        for iteration in 0..<fuzzIterations {
            if iteration % 64 == 0 { await Task.yield() }
            let isCall = rng.unit() < 0.7
            let text = gen.object(fields: isCall ? Self.callFields : Self.stateFields, using: &rng)
            let bytes = Array(text.utf8)
            if isCall {
                let mine = try? NFONDecoder.call(text)
                let theirs = try? decoder.decode(CallEvent.self, from: Data(bytes))
                #expect(mine == theirs, "\(text)")
                if mine != nil { accepted += 1 } else { refused += 1 }
            } else {
                let mine = try? NFONDecoder.state(text)
                let theirs = try? decoder.decode(LineStateEvent.self, from: Data(bytes))
                #expect(mine == theirs, "\(text)")
                if mine != nil { accepted += 1 } else { refused += 1 }
            }
        }
        // Both outcomes are exercised.
        #expect(accepted > fuzzIterations / 4)
        #expect(refused > fuzzIterations / 50)
    }

    @Test("whatever mutation of a call object NFONDecoder accepts, JSONDecoder accepts with the same result")
    func mutations() async {
        var rng = SeededRandom(seed: 4)
        var gen = JSONGenerator()
        let decoder = JSONDecoder()
        var accepted = 0
        var disagreements = 0
        for iteration in 0..<fuzzIterations {
            if iteration % 64 == 0 { await Task.yield() }
            var bytes = Array(gen.object(fields: Self.callFields, using: &rng, complete: true).utf8)
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let i = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: bytes[i] = UInt8.random(in: 0...255, using: &rng)
                case 1: bytes.remove(at: i)
                case 2: bytes.insert(Array(#"{}[]",:0a\u"#.utf8).randomElement(using: &rng)!, at: i)
                default: bytes.insert(contentsOf: Array(#"\ud83d\ude00"#.utf8), at: i)
                }
            }
            let mine = bytes.withUnsafeBufferPointer { try? NFONDecoder.call($0) }
            let theirs = try? decoder.decode(CallEvent.self, from: Data(bytes))
            if let mine {
                accepted += 1
                #expect(mine == theirs, "\(String(decoding: bytes, as: UTF8.self))")
            } else if theirs != nil {
                // JSONDecoder is laxer on invalid JSON (trailing commas, `01`,
                // invalid UTF-8 in fields it skips): refusing is allowed.
                disagreements += 1
            }
        }
        #expect(accepted > fuzzIterations / 10)
        #expect(disagreements < fuzzIterations / 5)
    }
}

/// Generates JSON objects with the given known fields (in random order,
/// some absent, some `null`, some of a wrong type, some duplicated, some
/// keys spelled with escapes), unknown fields with nested values, and
/// strings with every kind of escape and non-ASCII text.
struct JSONGenerator {
    mutating func object(fields: [String], using rng: inout SeededRandom, complete: Bool = false) -> String {
        var members: [String] = []
        for f in fields {
            let roll = rng.unit()
            if !complete && roll < 0.15 { continue }
            members.append(key(f, using: &rng) + space(&rng) + ":" + space(&rng) + fieldValue(f, complete: complete, using: &rng))
            if !complete && rng.unit() < 0.03 {
                members.append(key(f, using: &rng) + ":" + fieldValue(f, complete: complete, using: &rng))
            }
        }
        for _ in 0..<Int.random(in: 0...3, using: &rng) {
            members.append(
                key(["timeout", "caller_device", "x", "uuid2", "é", "line_state"].randomElement(using: &rng)!, using: &rng) + ":"
                    + value(depth: 0, using: &rng))
        }
        members.shuffle(using: &rng)
        return space(&rng) + "{" + space(&rng) + members.joined(separator: space(&rng) + "," + space(&rng)) + space(&rng) + "}"
            + space(&rng)
    }

    func space(_ rng: inout SeededRandom) -> String {
        rng.unit() < 0.8
            ? ""
            : String((0..<Int.random(in: 1...3, using: &rng)).map { _ in [" ", "\n", "\t", "\r"].randomElement(using: &rng)! })
    }

    func key(_ name: String, using rng: inout SeededRandom) -> String {
        guard rng.unit() < 0.05, let first = name.unicodeScalars.first else { return "\"\(name)\"" }
        // The first character as a \u escape.
        let hex = String(first.value, radix: 16)
        return "\"\\u" + String(repeating: "0", count: 4 - hex.count) + hex + name.dropFirst() + "\""
    }

    mutating func fieldValue(_ field: String, complete: Bool, using rng: inout SeededRandom) -> String {
        let roll = rng.unit()
        if field == "direction" && roll < 0.6 {
            return ["\"inbound\"", "\"outbound\"", "\"in\\u0062ound\""].randomElement(using: &rng)!
        }
        if !complete && roll < 0.08 { return "null" }
        if !complete && roll < 0.12 { return value(depth: 1, using: &rng) }  // often a wrong type
        return string(using: &rng)
    }

    func value(depth: Int, using rng: inout SeededRandom) -> String {
        switch Int.random(in: 0..<(depth > 3 ? 5 : 7), using: &rng) {
        case 0: return string(using: &rng)
        case 1: return ["true", "false", "null"].randomElement(using: &rng)!
        case 2:
            return ["0", "-0", "12", "-3.25", "1e9", "2.5E-3", "123456789012345678901234567890", "1E+2"].randomElement(
                using: &rng)!
        case 3: return string(using: &rng)
        case 4: return "\"\""
        case 5:
            return "["
                + (0..<Int.random(in: 0...3, using: &rng)).map { _ in value(depth: depth + 1, using: &rng) }.joined(
                    separator: ",") + "]"
        default:
            return "{"
                + (0..<Int.random(in: 0...3, using: &rng)).map { i in "\"k\(i)\":" + value(depth: depth + 1, using: &rng) }
                .joined(separator: ",") + "}"
        }
    }

    func string(using rng: inout SeededRandom) -> String {
        var out = "\""
        for _ in 0..<Int.random(in: 0...12, using: &rng) {
            let scalar: Unicode.Scalar
            switch Int.random(in: 0..<6, using: &rng) {
            case 0: scalar = Unicode.Scalar(UInt8.random(in: 0...0x7F, using: &rng))
            case 1: scalar = Unicode.Scalar(UInt32.random(in: 0x80...0x7FF, using: &rng))!
            case 2: scalar = Unicode.Scalar(UInt32.random(in: 0xE000...0xFFFD, using: &rng))!
            case 3: scalar = Unicode.Scalar(UInt32.random(in: 0x1F600...0x1F64F, using: &rng))!
            default: scalar = Unicode.Scalar(UInt8.random(in: 0x30...0x7A, using: &rng))
            }
            let escape = rng.unit() < 0.2
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n" where escape: out += "\\n"
            case "\t" where escape: out += "\\t"
            case "/" where escape: out += "\\/"
            case _ where scalar.value < 0x20 || escape: out += utf16Escape(scalar, upper: rng.unit() < 0.5)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    func utf16Escape(_ s: Unicode.Scalar, upper: Bool) -> String {
        UTF16.encode(s)!.map { unit in
            let hex = String(unit, radix: 16, uppercase: upper)
            return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }.joined()
    }
}
