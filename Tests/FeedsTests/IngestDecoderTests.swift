import Calls
import Feeds
import Testing

@Suite("Ingest decoder")
struct IngestDecoderTests {
    let ring =
        #"{"uuid":"u1","state":"ring","caller":"0301234","callee":"12","direction":"inbound","extension":"12","customer":"K1","updated":"2025-09-23T16:51:22.954969226+02:00"}"#
    let answer = #"{"uuid":"u1","state":"answer","extension":"12"}"#
    let line = #"{"customer":"K1","extension":"12","line":"ringing","presence":"available"}"#

    func decode(_ text: String, _ type: String?) throws(IngestError) -> IngestBatch {
        try IngestDecoder.decode(Array(text.utf8), contentType: type)
    }

    func failure(_ text: String, _ type: String?) -> IngestError? {
        do {
            _ = try decode(text, type)
            return nil
        } catch {
            return error
        }
    }

    @Test("one object, all NFON call fields, unknown fields ignored")
    func object() throws {
        let batch = try decode(#"{"uuid":"u1","state":"ring","x":{"y":[1,2]},"caller_name":"Ann"}"#, "application/json")
        #expect(batch.format == .object)
        #expect(batch.events == [.call(CallEvent(uuid: "u1", state: "ring", callerName: "Ann"))])
        let full = try decode(ring, "application/json; charset=utf-8")
        guard case .call(let e) = full.events.first else { Issue.record("not a call"); return }
        #expect(e.caller == "0301234" && e.callee == "12" && e.direction == .inbound && e.customer == "K1")
        #expect(e.updated == "2025-09-23T16:51:22.954969226+02:00")
    }

    @Test("an array keeps order and mixes call and line-state objects")
    func array() throws {
        let batch = try decode("[\(ring),\(line),\(answer)]", "application/json")
        #expect(batch.format == .array)
        #expect(batch.count == 3)
        guard case .line(let l) = batch.events[1] else { Issue.record("not a line state"); return }
        #expect(l == LineStateEvent(customer: "K1", extension: "12", line: "ringing", presence: "available"))
        guard case .call(let a) = batch.events[2] else { Issue.record("not a call"); return }
        #expect(a.state == "answer")
        #expect(try decode("[]", "application/json").count == 0)
    }

    @Test(
        "NDJSON by type: blank lines and CRLF ignored",
        arguments: ["application/x-ndjson", "application/ndjson", "application/jsonl"])
    func ndjson(type: String) throws {
        let batch = try decode("\(ring)\r\n\n  \n\(answer)\n\(line)", type)
        #expect(batch.format == .ndjson)
        #expect(batch.count == 3)
        if case .call(let e) = batch.events[1] { #expect(e.state == "answer") } else { Issue.record("order") }
    }

    @Test("sniffing without a Content-Type")
    func sniffing() throws {
        #expect(try decode(" [\(ring)]", nil).format == .array)
        #expect(try decode(ring, nil).format == .object)
        #expect(try decode("\n\(ring)\n", "").format == .object)
        #expect(try decode("\(ring)\n\(answer)\n", nil).format == .ndjson)
        let pretty = "{\n  \"uuid\": \"u1\",\n  \"state\": \"ring\"\n}\n"
        #expect(try decode(pretty, nil).format == .object)
        // Several lines that do not form one value: read as NDJSON, so the bad line is named.
        #expect(failure("\(ring)\n\(answer)\n{\"uuid\":", nil)?.description == "line 3: not valid JSON")
        #expect(failure("", nil)?.kind == .invalid)
        #expect(failure("hello", nil)?.httpStatus == 400)
    }

    @Test(
        "other media types are 415",
        arguments: ["text/plain", "application/x-www-form-urlencoded", "application/json-seq", "*/*"])
    func unsupported(type: String) {
        let e = failure(ring, type)
        #expect(e?.kind == .unsupportedMediaType)
        #expect(e?.httpStatus == 415)
    }

    @Test("errors name the line or index and the field")
    func errorMessages() {
        let ndjson = "application/x-ndjson"
        #expect(
            failure("\(ring)\n\n{\"uuid\":\"u\",\"state\":5}", ndjson)?.description
                == #"line 3: field "state": expected a string"#)
        #expect(failure("\(ring)\nnot json", ndjson)?.description == "line 2: not valid JSON")
        #expect(failure("[1]", ndjson)?.description == "line 1: expected a JSON object")
        #expect(
            failure("[\(ring),\(answer),{\"state\":\"ring\"}]", "application/json")?.description
                == #"index 2: field "uuid": missing"#)
        #expect(failure("[\(ring),\"x\"]", "application/json")?.description == "index 1: expected a JSON object")
        #expect(
            failure(#"{"uuid":"u","state":""}"#, "application/json")?.description == #"body: field "state": must not be empty"#)
        #expect(failure(#"{"uuid":"u","state":"ring","direction":"in"}"#, nil)?.field == "direction")
        #expect(failure(#"{"uuid":"u","state":"ring","updated":"yesterday"}"#, nil)?.field == "updated")
        #expect(
            failure(#"{"uuid":"u","state":"ring","caller":49}"#, nil)?.description == #"body: field "caller": expected a string"#)
        #expect(failure(#"{"extension":"12"}"#, nil)?.field == "uuid")
        #expect(failure(#"{"extension":12,"line":"idle"}"#, nil)?.description == #"body: field "extension": expected a string"#)
        #expect(
            failure(#"{"uuid":"u","state":"ring""#, "application/json")?.description.hasPrefix("body: not valid JSON") == true)
        #expect(failure("42", "application/json")?.description == "body: expected a JSON object or an array of objects")
    }

    @Test("empty bodies and a byte order mark")
    func emptyAndBOM() throws {
        #expect(failure(" \n", "application/json")?.description.hasPrefix("body: nothing to read") == true)
        #expect(failure("", nil)?.description.hasPrefix("body: nothing to read") == true)
        #expect(try decode("\n\n", "application/x-ndjson").count == 0)
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(answer.utf8)
        #expect(try IngestDecoder.decode(bom, contentType: nil).count == 1)
    }

    @Test("null counts as absent; direction and updated are checked when present")
    func optionalFields() throws {
        let batch = try decode(
            #"{"uuid":"u","state":"hangup","error":null,"direction":"outbound","updated":"2026-01-01T00:00:00Z"}"#, nil)
        #expect(
            batch.events == [.call(CallEvent(uuid: "u", state: "hangup", direction: .outbound, updated: "2026-01-01T00:00:00Z"))])
    }

    @Test("a body is all or nothing: an error late in a long body returns no events")
    func allOrNothing() {
        var lines = Array(repeating: ring, count: 500)
        lines.append(#"{"uuid":"u","state":"ring","direction":"sideways"}"#)
        var thrown: IngestError?
        var batch: IngestBatch?
        do { batch = try decode(lines.joined(separator: "\n"), "application/x-ndjson") } catch { thrown = error }
        #expect(batch == nil)
        #expect(thrown?.description == #"line 501: field "direction": expected "inbound" or "outbound""#)
    }

    @Test("1 MiB of nested brackets is refused without recursion", arguments: ["[", "{\"a\":", "[{\"x\":"])
    func deepNesting(unit: String) {
        var text = ""
        while text.utf8.count < IngestDecoder.maximumBodySize - 8 { text += unit }
        for type in [nil, "application/json", "application/x-ndjson"] {
            let e = failure(text, type)
            #expect(e?.kind == .invalid, "\(type ?? "sniffed")")
            #expect(e?.description.contains("nest deeper") == true || e?.description.contains("expected") == true)
        }
        // Brackets inside strings do not count.
        let inString = #"{"uuid":"u","state":"ring","note":""# + String(repeating: "[", count: 1000) + #""}"#
        #expect(throws: Never.self) { try decode(inString, nil) }
    }

    @Test("over 1 MiB is 413")
    func tooLarge() {
        let body = [UInt8](repeating: 32, count: IngestDecoder.maximumBodySize + 1)
        #expect(throws: IngestError.self) { try IngestDecoder.decode(body, contentType: nil) }
        do {
            _ = try IngestDecoder.decode(body, contentType: nil)
        } catch {
            #expect(error.httpStatus == 413)
        }
    }

    @Test("hostile strings are kept as sent and never echoed in errors")
    func hostileStrings() throws {
        let weird = #"{"uuid":"a\"b\\c\n\u0000\u2028😀","state":"ring","caller":"<script>&amp;","caller_name":"\ud83d\ude00"}"#
        let batch = try decode(weird, nil)
        guard case .call(let e) = batch.events.first else { Issue.record("not a call"); return }
        #expect(e.uuid == "a\"b\\c\n\u{0}\u{2028}😀")
        #expect(e.caller == "<script>&amp;")
        #expect(e.callerName == "😀")
        let secret = #"{"uuid":"u","state":"ring","direction":"SECRET-VALUE"}"#
        #expect(failure(secret, nil)?.description.contains("SECRET") == false)
        // Invalid UTF-8 is not valid JSON.
        let bad: [UInt8] = Array(#"{"uuid":""#.utf8) + [0xFF, 0xFE] + Array(#"","state":"ring"}"#.utf8)
        #expect(throws: IngestError.self) { try IngestDecoder.decode(bad, contentType: "application/json") }
    }

    @Test("events become source events for the pipeline")
    func sourceEvents() throws {
        let t = EventTime(nanoseconds: 5)
        let batch = try decode("[\(answer),\(line)]", nil)
        guard case .call(_, let arrival) = batch.events[0].sourceEvent(arrival: t) else { Issue.record("call"); return }
        #expect(arrival == t)
        guard case .line(_, let snapshot, _) = batch.events[1].sourceEvent(arrival: t) else { Issue.record("line"); return }
        #expect(!snapshot)
    }
}
