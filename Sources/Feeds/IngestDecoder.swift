import Foundation

/// Decodes the body of `POST /v1/events` into call and line-state events.
///
/// Pure: no I/O, no clock. Accepts one JSON object, a JSON array of objects,
/// or NDJSON (one object per line, blank lines ignored), chosen by
/// `Content-Type`:
///
/// | Content-Type | read as |
/// |---|---|
/// | `application/json` (also `text/json`, `application/*+json`) | one object or an array |
/// | `application/x-ndjson`, `application/ndjson`, `application/jsonl`, `application/x-jsonl`, `application/jsonlines`, `application/x-jsonlines` | NDJSON |
/// | missing or empty | sniffed: `[` → array; `{` on one line, or a body that parses as one value → object; else NDJSON |
/// | anything else | `IngestError` with kind `.unsupportedMediaType` (415) |
///
/// Parameters such as `; charset=utf-8` are ignored (JSON is UTF-8).
///
/// Each object is a call object (it has `uuid`; `state` is then required) or
/// a line-state object (no `uuid`, but `extension` and `line` or `presence`).
/// Unknown fields are ignored, `null` counts as absent. A body is all or
/// nothing: the first problem is thrown and no events are returned.
///
/// ```swift
/// do {
///     let batch = try IngestDecoder.decode(bytes, contentType: request.headers[.contentType])
///     // apply batch.events, answer 202 {"accepted": batch.count}
/// } catch {
///     // answer error.httpStatus with {"error": error.description}
/// }
/// ```
public enum IngestDecoder {
    /// The largest body accepted (1 MiB). The route should refuse larger
    /// bodies without reading them; the decoder checks again.
    public static let maximumBodySize = 1 << 20
    /// How deep arrays and objects may nest (the body's array counts as one
    /// level). Deeper input is refused before it reaches the JSON parser, so
    /// hostile nesting cannot exhaust the stack.
    public static let maximumDepth = 32

    static let ndjsonTypes: Set<String> = [
        "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonl",
        "application/jsonlines", "application/x-jsonlines",
    ]

    /// Decodes `body` read as `contentType` (the raw header value, or nil).
    public static func decode(_ body: [UInt8], contentType: String?) throws(IngestError) -> IngestBatch {
        guard body.count <= maximumBodySize else {
            throw IngestError(.tooLarge, "the body is over \(maximumBodySize) bytes (1 MiB); send fewer events per request")
        }
        let reading = try mediaType(contentType)
        // A UTF-8 byte order mark is not JSON, but some clients send one.
        let body = body.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(body.dropFirst(3)) : body
        if reading != .ndjson && !body.contains(where: { !isSpace($0) }) {
            throw IngestError("nothing to read; send a JSON object, an array of objects, or one object per line")
        }
        switch reading {
        case .json: return try decodeJSON(body)
        case .ndjson: return IngestBatch(format: .ndjson, events: try decodeLines(body))
        case .sniff: return try sniff(body)
        }
    }

    enum Reading { case json, ndjson, sniff }

    /// How a `Content-Type` header value is read.
    static func mediaType(_ header: String?) throws(IngestError) -> Reading {
        let essence =
            (header ?? "").split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        if essence.isEmpty { return .sniff }
        if essence == "application/json" || essence == "text/json" { return .json }
        if essence.hasPrefix("application/") && essence.hasSuffix("+json") { return .json }
        if ndjsonTypes.contains(essence) { return .ndjson }
        throw IngestError(
            .unsupportedMediaType,
            "unsupported Content-Type; send application/json (an object or an array) or application/x-ndjson (one object per line)"
        )
    }

    static func sniff(_ body: [UInt8]) throws(IngestError) -> IngestBatch {
        switch body.first(where: { !isSpace($0) }) {
        case UInt8(ascii: "["):
            return try decodeJSON(body)
        case UInt8(ascii: "{"):
            let nonEmptyLines = body.split(separator: 10).lazy.filter { $0.contains(where: { !isSpace($0) }) }
            if nonEmptyLines.dropFirst().first == nil { return try decodeJSON(body) }
            // Several lines: one pretty-printed object, or NDJSON.
            if depthFits(body[...]), (try? parse(body[...])) is [String: Any] { return try decodeJSON(body) }
            return IngestBatch(format: .ndjson, events: try decodeLines(body))
        default:
            throw IngestError("expected a JSON object, an array of objects, or one object per line")
        }
    }

    /// One JSON text: an object or an array of objects.
    static func decodeJSON(_ body: [UInt8]) throws(IngestError) -> IngestBatch {
        guard depthFits(body[...]) else { throw IngestError(nestingProblem) }
        let value: Any
        do {
            value = try parse(body[...])
        } catch {
            throw IngestError(
                "not valid JSON (to send one object per line use Content-Type: application/x-ndjson)")
        }
        if let object = value as? [String: Any] {
            return IngestBatch(format: .object, events: [try event(object, at: .body)])
        }
        guard let array = value as? [Any] else { throw IngestError("expected a JSON object or an array of objects") }
        var events: [IngestEvent] = []
        events.reserveCapacity(array.count)
        for (i, element) in array.enumerated() {
            guard let object = element as? [String: Any] else { throw IngestError(at: .index(i), "expected a JSON object") }
            events.append(try event(object, at: .index(i)))
        }
        return IngestBatch(format: .array, events: events)
    }

    /// NDJSON: one object per line; blank lines (and a trailing `\r`) ignored.
    static func decodeLines(_ body: [UInt8]) throws(IngestError) -> [IngestEvent] {
        var events: [IngestEvent] = []
        var lineNumber = 0
        for line in body.split(separator: 10, omittingEmptySubsequences: false) {
            lineNumber += 1
            guard line.contains(where: { !isSpace($0) }) else { continue }
            let at = IngestError.Location.line(lineNumber)
            guard depthFits(line) else { throw IngestError(at: at, nestingProblem) }
            let value: Any
            do {
                value = try parse(line)
            } catch {
                throw IngestError(at: at, "not valid JSON")
            }
            guard let object = value as? [String: Any] else { throw IngestError(at: at, "expected a JSON object") }
            events.append(try event(object, at: at))
        }
        return events
    }

    static let nestingProblem = "arrays and objects nest deeper than \(maximumDepth) levels"

    static func parse(_ bytes: ArraySlice<UInt8>) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 10 || b == 13 }

    /// Whether brackets outside strings nest at most `maximumDepth` deep. A
    /// linear scan with no recursion; malformed input is left to the parser.
    static func depthFits(_ bytes: ArraySlice<UInt8>) -> Bool {
        var depth = 0
        var inString = false
        var escaped = false
        for b in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if b == UInt8(ascii: "\\") {
                    escaped = true
                } else if b == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch b {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > maximumDepth { return false }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return true
    }
}
