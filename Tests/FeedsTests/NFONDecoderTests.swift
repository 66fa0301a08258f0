import Calls
import Feeds
import Testing

@Suite("NFON decoder")
struct NFONDecoderTests {
    static let ring =
        #"{"uuid":"715a1333-0174-40ea-8b38-67e289069476","state":"ring","caller":"0891234567","caller_context":"global","callee":"1000","callee_context":"K1234","direction":"inbound","extension":"1000","customer":"K1234","updated":"2025-09-23T16:51:22.954969226+02:00"}"#

    @Test("a call object: every field callhook reads")
    func call() throws {
        let e = try NFONDecoder.call(Self.ring)
        #expect(
            e
                == CallEvent(
                    uuid: "715a1333-0174-40ea-8b38-67e289069476", state: "ring", caller: "0891234567",
                    callerContext: "global", callee: "1000", calleeContext: "K1234", direction: .inbound, extension: "1000",
                    customer: "K1234", updated: "2025-09-23T16:51:22.954969226+02:00"))
    }

    @Test("unknown fields of any shape are skipped; null is absent; names and error are read")
    func unknownFields() throws {
        let e = try NFONDecoder.call(
            #" { "timeout" : 20, "x": [1, -2.5e3, {"a": [true, false, null, "\"]"]}], "uuid":"u", "state":"hangup", "#
                + #""caller":null, "error":"busy", "caller_name":"Anna", "callee_name":"Büro", "caller_device":"d" } "#)
        #expect(e.uuid == "u" && e.state == "hangup" && e.caller == nil && e.error == "busy")
        #expect(e.callerName == "Anna" && e.calleeName == "Büro")
    }

    @Test("escapes and unicode: short escapes, \\u, surrogate pairs, raw UTF-8, escaped keys")
    func escapes() throws {
        let e = try NFONDecoder.call(
            #"{"u\u0075id":"a\"b\\c\/d\b\f\n\r\t","state":"ring","caller_name":"M\u00fcller \ud83d\ude00 Ω","callee_name":"\u0000"}"#
        )
        #expect(e.uuid == "a\"b\\c/d\u{8}\u{C}\n\r\t")
        #expect(e.callerName == "Müller 😀 Ω")
        #expect(e.calleeName == "\u{0}")
    }

    @Test("direction: inbound, outbound, an unknown value or a non-string is absent")
    func direction() throws {
        #expect(try NFONDecoder.call(#"{"uuid":"a","state":"x","direction":"outbound"}"#).direction == .outbound)
        #expect(try NFONDecoder.call(#"{"uuid":"a","state":"x","direction":"in\u0062ound"}"#).direction == .inbound)
        #expect(try NFONDecoder.call(#"{"uuid":"a","state":"x","direction":"sideways"}"#).direction == nil)
        #expect(try NFONDecoder.call(#"{"uuid":"a","state":"x","direction":{"a":[1]}}"#).direction == nil)
    }

    @Test("the first of duplicate keys wins, as with JSONDecoder")
    func duplicates() throws {
        let e = try NFONDecoder.call(#"{"uuid":"first","state":"ring","uuid":"second","caller":"1","caller":5}"#)
        #expect(e.uuid == "first" && e.caller == "1")
    }

    @Test(
        "bad input is refused with the reason",
        arguments: [
            (#"{"state":"ring"}"#, NFONDecodeError.Kind.missing),
            (#"{"uuid":null,"state":"ring"}"#, .missing),
            (#"{"uuid":"a","state":"ring","caller":5}"#, .type),
            (#"{"uuid":"a","state":"ring",}"#, .syntax),
            (#"{"uuid":"a","state":"ring","n":01}"#, .syntax),
            (#"{"uuid":"a","state":"ring","n":1.}"#, .syntax),
            (#"{"uuid":"a","state":"ring"} x"#, .syntax),
            (#"{"uuid":"a\x","state":"ring"}"#, .syntax),
            (#"{"uuid":"\ud800","state":"ring"}"#, .syntax),
            (#"{"uuid":"\udc00x","state":"ring"}"#, .syntax),
            ("{\"uuid\":\"a\tb\",\"state\":\"ring\"}", .syntax),
            (#"[{"uuid":"a","state":"ring"}]"#, .syntax),
            (#"{"uuid": "broken", "state": "#, .syntax),
            ("", .syntax),
            (#"{"uuid":"a","state":"ring","n":NaN}"#, .syntax),
        ])
    func refused(input: String, kind: NFONDecodeError.Kind) {
        #expect(throws: NFONDecodeError.self) { try NFONDecoder.call(input) }
        do {
            _ = try NFONDecoder.call(input)
        } catch {
            #expect(error.kind == kind, "\(input): \(error)")
        }
    }

    @Test("invalid UTF-8 in a string callhook keeps is refused")
    func invalidUTF8() {
        let bytes: [UInt8] = Array(#"{"uuid":"a"#.utf8) + [0xFF] + Array(#"","state":"ring"}"#.utf8)
        #expect(throws: NFONDecodeError.self) { try bytes.withUnsafeBufferPointer { try NFONDecoder.call($0) } }
    }

    @Test("nesting is bounded without recursion: 511 levels inside the object pass, 512 are refused")
    func nesting() throws {
        func nested(_ n: Int) -> String {
            #"{"uuid":"a","state":"ring","n":"# + String(repeating: "[", count: n) + String(repeating: "]", count: n) + "}"
        }
        #expect(try NFONDecoder.call(nested(511)).uuid == "a")
        #expect(throws: NFONDecodeError.self) { try NFONDecoder.call(nested(512)) }
        #expect(throws: NFONDecodeError.self) { try NFONDecoder.call(nested(100_000)) }
    }

    @Test("state objects and the states snapshot array")
    func states() throws {
        let s = try NFONDecoder.state(
            #"{"customer":"K1234","extension":"1000","line":"ringing","presence":"online","updated":"2025-09-23T16:51:22Z","device":{"id":1}}"#
        )
        #expect(
            s
                == LineStateEvent(
                    customer: "K1234", extension: "1000", line: "ringing", presence: "online", updated: "2025-09-23T16:51:22Z"))
        #expect(throws: NFONDecodeError.self) { try NFONDecoder.state(#"{"line":"idle"}"#) }
        let all = try NFONDecoder.states(Array(#" [ {"extension":"1","line":"idle"} , {"extension":"2"} ] "#.utf8))
        #expect(all.map(\.extension) == ["1", "2"] && all[0].line == "idle")
        #expect(try NFONDecoder.states(Array("[]".utf8)).isEmpty)
        #expect(throws: NFONDecodeError.self) { try NFONDecoder.states(Array(#"[{"extension":"1"},]"#.utf8)) }
        #expect(throws: NFONDecodeError.self) { try NFONDecoder.states(Array(#"{"extension":"1"}"#.utf8)) }
    }

    @Test("a leading UTF-8 byte order mark is skipped")
    func byteOrderMark() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(#"{"uuid":"a","state":"ring"}"#.utf8)
        #expect(try bytes.withUnsafeBufferPointer { try NFONDecoder.call($0) }.uuid == "a")
    }
}
