import Calls
import Feeds
import Testing

@Suite("SSE parser")
struct SSEParserTests {
    func events(_ text: String, chunk: Int? = nil) -> [SSEItem] {
        var p = SSEParser()
        let bytes = Array(text.utf8)
        guard let chunk else { return p.feed(bytes) }
        var out: [SSEItem] = []
        var i = 0
        while i < bytes.count {
            out += p.feed(bytes[i..<min(i + chunk, bytes.count)])
            i += chunk
        }
        return out
    }

    @Test("event, multi-line data, id and retry")
    func fields() {
        let items = events("event: call\ndata: {\"a\":1}\ndata: second\nid: 42\nretry: 1500\n\n")
        #expect(items == [.retry(1500), .event(SSEEvent(type: "call", data: "{\"a\":1}\nsecond", lastEventID: "42"))])
    }

    @Test("CR, LF and CRLF line ends, split at every byte")
    func lineEnds() {
        let text = "data: one\r\n\r\ndata: two\r\rdata: three\n\n: comment\ndata:four\r\n\r\n"
        let expected: [SSEItem] = [
            .event(SSEEvent(data: "one")), .event(SSEEvent(data: "two")), .event(SSEEvent(data: "three")),
            .comment("comment"), .event(SSEEvent(data: "four")),
        ]
        #expect(events(text) == expected)
        for size in 1...7 { #expect(events(text, chunk: size) == expected, "chunk size \(size)") }
    }

    @Test("id persists, empty data lines count, no-colon field, unknown fields ignored")
    func details() {
        let items = events("id: 7\ndata\n\nfoo: bar\ndata: x\n\n\n")
        #expect(items == [.event(SSEEvent(data: "", lastEventID: "7")), .event(SSEEvent(data: "x", lastEventID: "7"))])
    }

    @Test("an event without data is not dispatched; a BOM at the start is dropped")
    func noData() {
        #expect(events("\u{FEFF}event: ping\n\ndata: y\n\n") == [.event(SSEEvent(data: "y"))])
    }

    @Test("a line over the bound is skipped with its event; the stream goes on")
    func bound() {
        var p = SSEParser(maxLineBytes: 1024, maxEventBytes: 4096)
        let huge = "data: " + String(repeating: "x", count: 2 << 20) + "\n\n"
        var items = p.feed(Array(huge.utf8))
        items += p.feed(Array("data: after\n\n".utf8))
        #expect(items.count == 2)
        if case .lineTooLong(let n) = items[0] { #expect(n > 2 << 20) } else { Issue.record("expected lineTooLong") }
        #expect(items[1] == .event(SSEEvent(data: "after")))
    }

    @Test("random bytes never crash the parser")
    func randomBytes() {
        var rng = SeededRandom(seed: 99)
        var p = SSEParser(maxLineBytes: 512, maxEventBytes: 2048)
        for _ in 0..<2000 {
            let chunk = (0..<Int.random(in: 0...300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            _ = p.feed(chunk)
        }
        #expect(p.feed(Array("\n\ndata: ok\n\n".utf8)).contains(.event(SSEEvent(data: "ok"))))
    }
}
