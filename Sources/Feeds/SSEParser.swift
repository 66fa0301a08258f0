/// An incremental `text/event-stream` parser (WHATWG HTML, "Server-sent
/// events"): `event`, multi-line `data`, `id`, `retry`, comments, and CR,
/// LF or CRLF line ends, split across chunks anywhere.
///
/// Memory is bounded: a line longer than `maxLineBytes` is dropped (and
/// reported), and so is the event it belongs to; an event's data is bounded
/// by `maxEventBytes` in the same way. Pure: feed bytes, get items.
public struct SSEParser: Sendable {
    public let maxLineBytes: Int
    public let maxEventBytes: Int

    private var line: [UInt8] = []
    private var lastWasCR = false
    private var discardingLine = false
    private var discardedBytes = 0
    private var skipEvent = false
    private var atStart = true

    private var eventType = ""
    private var data: [UInt8] = []
    private var hasData = false
    private var lastEventID = ""

    public init(maxLineBytes: Int = 1 << 20, maxEventBytes: Int = 1 << 20) {
        self.maxLineBytes = maxLineBytes
        self.maxEventBytes = maxEventBytes
    }

    /// Parses the next chunk of the stream.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [SSEItem] {
        var out: [SSEItem] = []
        for b in bytes {
            if b == 0x0A && lastWasCR {
                lastWasCR = false
                continue  // the LF of a CRLF
            }
            lastWasCR = false
            if b == 0x0A || b == 0x0D {
                lastWasCR = b == 0x0D
                endLine(&out)
                continue
            }
            if discardingLine {
                discardedBytes += 1
                continue
            }
            if line.count >= maxLineBytes {
                discardingLine = true
                discardedBytes = line.count + 1
                line.removeAll()
                continue
            }
            line.append(b)
        }
        return out
    }

    /// Ends the stream: an event without its final blank line is dropped,
    /// as the standard says.
    public mutating func finish() {
        line.removeAll()
        data.removeAll()
        hasData = false
        eventType = ""
    }

    private mutating func endLine(_ out: inout [SSEItem]) {
        if discardingLine {
            out.append(.lineTooLong(bytes: discardedBytes))
            discardingLine = false
            discardedBytes = 0
            skipEvent = true
            return
        }
        var l = line[...]
        line.removeAll(keepingCapacity: line.capacity <= 4096)
        if atStart {
            atStart = false
            if l.starts(with: [0xEF, 0xBB, 0xBF]) { l = l.dropFirst(3) }
        }
        if l.isEmpty {
            dispatch(&out)
            return
        }
        if l.first == UInt8(ascii: ":") {
            out.append(.comment(Self.text(l.dropFirst().dropFirst { $0 == 0x20 })))
            return
        }
        guard !skipEvent else { return }
        let field: ArraySlice<UInt8>
        var value: ArraySlice<UInt8>
        if let colon = l.firstIndex(of: UInt8(ascii: ":")) {
            field = l[l.startIndex..<colon]
            value = l[(colon + 1)...]
            if value.first == 0x20 { value = value.dropFirst() }
        } else {
            field = l
            value = []
        }
        switch Self.text(field) {
        case "event": eventType = Self.text(value)
        case "data":
            if data.count + value.count + 1 > maxEventBytes {
                out.append(.lineTooLong(bytes: data.count + value.count))
                skipEvent = true
                data.removeAll()
                hasData = false
                return
            }
            if hasData { data.append(0x0A) }
            data.append(contentsOf: value)
            hasData = true
        case "id":
            if !value.contains(0) { lastEventID = Self.text(value) }
        case "retry":
            if !value.isEmpty, value.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let ms = Int(Self.text(value)) {
                out.append(.retry(ms))
            }
        default: break  // unknown fields are ignored
        }
    }

    private mutating func dispatch(_ out: inout [SSEItem]) {
        defer {
            data.removeAll(keepingCapacity: data.capacity <= 65536)
            hasData = false
            eventType = ""
            skipEvent = false
        }
        guard !skipEvent, hasData else { return }
        out.append(
            .event(
                SSEEvent(type: eventType.isEmpty ? "message" : eventType, data: Self.text(data[...]), lastEventID: lastEventID)))
    }

    private static func text(_ bytes: some Collection<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
}

extension ArraySlice where Element == UInt8 {
    fileprivate func dropFirst(while predicate: (UInt8) -> Bool) -> ArraySlice<UInt8> { drop(while: predicate) }
}
