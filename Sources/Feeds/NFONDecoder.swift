import Calls

/// Decodes the NFON CTI API `call` and `state` objects from the UTF-8
/// bytes of an SSE event's data, reading exactly the fields callhook uses.
///
/// It gives the same events as Foundation's `JSONDecoder` with
/// `CallEvent`'s and `LineStateEvent`'s `Decodable` conformances on every
/// valid input: unknown fields are ignored, `null` counts as absent, the
/// first of duplicate keys wins, JSON escapes and `\u` surrogate pairs are
/// resolved, an unknown `direction` (or one that is not a string) is
/// absent. It is stricter on invalid JSON (RFC 8259): trailing commas,
/// numbers like `01` or `1.`, and invalid UTF-8 anywhere in a string are
/// refused. Pure; no Foundation.
///
/// ```swift
/// let call = try event.data.utf8.withContiguousStorageIfAvailable { try NFONDecoder.call($0) }
/// ```
public enum NFONDecoder {
    /// A `call` object.
    public static func call(_ bytes: UnsafeBufferPointer<UInt8>) throws(NFONDecodeError) -> CallEvent {
        var s = JSONByteScanner(bytes)
        s.skipByteOrderMark()
        s.skipSpace()
        let call = try callObject(&s)
        guard s.atEnd() else { throw s.error() }
        return call
    }

    /// A `call` object in the UTF-8 of `text` (read in place).
    public static func call(_ text: String) throws(NFONDecodeError) -> CallEvent {
        var text = text
        return try text.withUTF8 { b in Result { () throws(NFONDecodeError) in try call(b) } }.get()
    }

    /// A `state` object.
    public static func state(_ bytes: UnsafeBufferPointer<UInt8>) throws(NFONDecodeError) -> LineStateEvent {
        var s = JSONByteScanner(bytes)
        s.skipByteOrderMark()
        s.skipSpace()
        let state = try stateObject(&s)
        guard s.atEnd() else { throw s.error() }
        return state
    }

    /// A `state` object in the UTF-8 of `text` (read in place).
    public static func state(_ text: String) throws(NFONDecodeError) -> LineStateEvent {
        var text = text
        return try text.withUTF8 { b in Result { () throws(NFONDecodeError) in try state(b) } }.get()
    }

    /// A JSON array of `state` objects (`GET /extensions/phone/states`).
    public static func states(_ bytes: UnsafeBufferPointer<UInt8>) throws(NFONDecodeError) -> [LineStateEvent] {
        var s = JSONByteScanner(bytes)
        s.skipByteOrderMark()
        s.skipSpace()
        try s.expect(0x5B)
        var out: [LineStateEvent] = []
        s.skipSpace()
        if s.byte == 0x5D {
            s.i += 1
        } else {
            while true {
                s.skipSpace()
                out.append(try stateObject(&s, depth: 2))
                s.skipSpace()
                if s.byte == 0x2C {
                    s.i += 1
                    continue
                }
                try s.expect(0x5D)
                break
            }
        }
        guard s.atEnd() else { throw s.error() }
        return out
    }

    /// `states` from an array of bytes.
    public static func states(_ bytes: [UInt8]) throws(NFONDecodeError) -> [LineStateEvent] {
        try bytes.withUnsafeBufferPointer { b in Result { () throws(NFONDecodeError) in try states(b) } }.get()
    }

    // The call object's fields, as bits of the set already seen.
    private static let uuid: UInt16 = 1 << 0
    private static let state: UInt16 = 1 << 1
    private static let caller: UInt16 = 1 << 2
    private static let callerContext: UInt16 = 1 << 3
    private static let callee: UInt16 = 1 << 4
    private static let calleeContext: UInt16 = 1 << 5
    private static let direction: UInt16 = 1 << 6
    private static let ext: UInt16 = 1 << 7
    private static let customer: UInt16 = 1 << 8
    private static let updated: UInt16 = 1 << 9
    private static let error: UInt16 = 1 << 10
    private static let callerName: UInt16 = 1 << 11
    private static let calleeName: UInt16 = 1 << 12
    private static let line: UInt16 = 1 << 13
    private static let presence: UInt16 = 1 << 14

    /// Which known field a key names (0 for none) in a call object (`call`)
    /// or a state object.
    @inline(__always)
    private static func field(_ s: JSONByteScanner, _ key: (start: Int, end: Int, escaped: Bool), call: Bool) -> UInt16 {
        switch key.end - key.start {
        case 4:
            if call { return s.equals(key, "uuid") ? uuid : 0 }
            return s.equals(key, "line") ? line : 0
        case 5:
            if !call { return 0 }
            return s.equals(key, "state") ? state : s.equals(key, "error") ? error : 0
        case 6:
            if !call { return 0 }
            return s.equals(key, "caller") ? caller : s.equals(key, "callee") ? callee : 0
        case 7: return s.equals(key, "updated") ? updated : 0
        case 8:
            if s.equals(key, "customer") { return customer }
            return !call && s.equals(key, "presence") ? presence : 0
        case 9:
            if s.equals(key, "extension") { return ext }
            return call && s.equals(key, "direction") ? direction : 0
        case 11:
            if !call { return 0 }
            return s.equals(key, "caller_name") ? callerName : s.equals(key, "callee_name") ? calleeName : 0
        case 14:
            if !call { return 0 }
            return s.equals(key, "caller_context") ? callerContext : s.equals(key, "callee_context") ? calleeContext : 0
        default: return 0
        }
    }

    /// Reads a key and its colon; the field it names (0 for an unknown one).
    private static func key(_ s: inout JSONByteScanner, call: Bool) throws(NFONDecodeError) -> UInt16 {
        let token = try s.scanString()
        s.skipSpace()
        try s.expect(0x3A)
        s.skipSpace()
        if !token.escaped {
            let f = field(s, token, call: call)
            if f == 0 {
                // Foundation refuses keys that are not UTF-8, known or not.
                for k in token.start..<token.end where s.base[k] >= 0x80 {
                    guard s.string(token) != nil else { throw NFONDecodeError(.syntax, at: token.start) }
                    break
                }
            }
            return f
        }
        // A key spelled with escapes: resolve them, then look again.
        guard let bytes = s.unescaped(token), String(validating: bytes, as: UTF8.self) != nil else {
            throw NFONDecodeError(.syntax, at: token.start)
        }
        return bytes.withUnsafeBufferPointer { b in
            let plain = JSONByteScanner(b)
            return field(plain, (0, b.count, false), call: call)
        }
    }

    /// A string or `null` (nil).
    private static func optionalString(_ s: inout JSONByteScanner, _ name: StaticString) throws(NFONDecodeError) -> String? {
        switch s.byte {
        case 0x6E:
            try s.literal("null")
            return nil
        case 0x22:
            let start = s.i
            let token = try s.scanString()
            guard let text = s.string(token) else { throw NFONDecodeError(.syntax, at: start) }
            return text
        case 0x7B, 0x5B, 0x74, 0x66, 0x2D, 0x30...0x39:
            throw NFONDecodeError(.type, at: s.i, field: "\(name)")
        default:
            throw s.error()
        }
    }

    private static func required(_ value: String?, _ name: String, at offset: Int) throws(NFONDecodeError) -> String {
        guard let value else { throw NFONDecodeError(.missing, at: offset, field: name) }
        return value
    }

    /// Reads the members of an object after its `{`, handing each known
    /// field (first occurrence only) to `read`, skipping the rest.
    private static func members(
        _ s: inout JSONByteScanner, depth: Int, call: Bool,
        _ read: (inout JSONByteScanner, UInt16) throws(NFONDecodeError) -> Void
    ) throws(NFONDecodeError) {
        try s.expect(0x7B)
        guard depth <= JSONByteScanner.maximumDepth else { throw s.error() }
        var seen: UInt16 = 0
        s.skipSpace()
        if s.byte == 0x7D {
            s.i += 1
            return
        }
        while true {
            s.skipSpace()
            let f = try key(&s, call: call)
            if f != 0 && seen & f == 0 {
                seen |= f
                try read(&s, f)
            } else {
                try s.skipValue(depth: depth)
            }
            s.skipSpace()
            if s.byte == 0x2C {
                s.i += 1
                continue
            }
            try s.expect(0x7D)
            return
        }
    }

    static func callObject(_ s: inout JSONByteScanner, depth: Int = 1) throws(NFONDecodeError) -> CallEvent {
        let start = s.i
        var e = CallEvent(uuid: "", state: "")
        var uuidValue: String?
        var stateValue: String?
        try members(&s, depth: depth, call: true) { (s, f) throws(NFONDecodeError) in
            switch f {
            case uuid: uuidValue = try optionalString(&s, "uuid")
            case state: stateValue = try optionalString(&s, "state")
            case caller: e.caller = try optionalString(&s, "caller")
            case callerContext: e.callerContext = try optionalString(&s, "caller_context")
            case callee: e.callee = try optionalString(&s, "callee")
            case calleeContext: e.calleeContext = try optionalString(&s, "callee_context")
            case ext: e.extension = try optionalString(&s, "extension")
            case customer: e.customer = try optionalString(&s, "customer")
            case updated: e.updated = try optionalString(&s, "updated")
            case error: e.error = try optionalString(&s, "error")
            case callerName: e.callerName = try optionalString(&s, "caller_name")
            case calleeName: e.calleeName = try optionalString(&s, "callee_name")
            default:  // direction: an unknown value, or not a string, is absent
                if s.byte == 0x22 {
                    let at = s.i
                    let token = try s.scanString()
                    if s.equals(token, "inbound") {
                        e.direction = .inbound
                    } else if s.equals(token, "outbound") {
                        e.direction = .outbound
                    } else if token.escaped {
                        guard let text = s.string(token) else { throw NFONDecodeError(.syntax, at: at) }
                        e.direction = Direction(rawValue: text)
                    }
                } else {
                    try s.skipValue(depth: depth)
                }
            }
        }
        e.uuid = try required(uuidValue, "uuid", at: start)
        e.state = try required(stateValue, "state", at: start)
        return e
    }

    static func stateObject(_ s: inout JSONByteScanner, depth: Int = 1) throws(NFONDecodeError) -> LineStateEvent {
        let start = s.i
        var e = LineStateEvent(extension: "")
        var extValue: String?
        try members(&s, depth: depth, call: false) { (s, f) throws(NFONDecodeError) in
            switch f {
            case ext: extValue = try optionalString(&s, "extension")
            case customer: e.customer = try optionalString(&s, "customer")
            case line: e.line = try optionalString(&s, "line")
            case presence: e.presence = try optionalString(&s, "presence")
            default: e.updated = try optionalString(&s, "updated")
            }
        }
        e.extension = try required(extValue, "extension", at: start)
        return e
    }
}
