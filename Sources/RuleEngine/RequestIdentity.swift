/// What a request's identity is derived from: the same request rendered
/// twice (by two instances reading one stream, or from a replayed event)
/// gets the same delivery id and is queued once (docs/delivery.md).
public struct RequestIdentity: Sendable, Hashable {
    public var customer: String
    /// The call's uuid; for a `line` event, `line@` and the change's time.
    public var callUUID: String
    public var extensionNumber: String
    public var phase: String
    public var rule: String
    /// The action's place in its rule: `webhook:N` or `workflow:N` (0-based).
    public var action: String

    public init(customer: String, callUUID: String, extensionNumber: String, phase: String, rule: String, action: String) {
        self.customer = customer
        self.callUUID = callUUID
        self.extensionNumber = extensionNumber
        self.phase = phase
        self.rule = rule
        self.action = action
    }

    /// One unambiguous text of all fields: each as its UTF-8 length, `:`,
    /// the field, so no field's content can be mistaken for a separator.
    public var canonical: String { withCanonicalBytes { String(decoding: $0, as: UTF8.self) } }

    /// `canonical`'s UTF-8 bytes, written into a buffer that lives for
    /// `body` only: a delivery id is hashed from them without building
    /// the text.
    public func withCanonicalBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        var customer = customer
        var callUUID = callUUID
        var extensionNumber = extensionNumber
        var phase = phase
        var rule = rule
        var action = action
        // A length has at most 19 digits (`Int.max`); each field adds its digits and `:`.
        let capacity =
            customer.utf8.count + callUUID.utf8.count + extensionNumber.utf8.count + phase.utf8.count
            + rule.utf8.count + action.utf8.count + 6 * 21
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
            var n = 0
            func append(_ field: inout String) {
                field.withUTF8 { text in
                    n += Self.writeDecimal(text.count, into: buffer, at: n)
                    buffer[n] = UInt8(ascii: ":")
                    n += 1
                    if let base = text.baseAddress {
                        UnsafeMutableRawPointer(buffer.baseAddress! + n).copyMemory(from: base, byteCount: text.count)
                    }
                    n += text.count
                }
            }
            append(&customer)
            append(&callUUID)
            append(&extensionNumber)
            append(&phase)
            append(&rule)
            append(&action)
            return body(UnsafeRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[..<n]))
        }
    }

    /// Writes `value` (not negative) in decimal at `offset`; returns the
    /// number of digits.
    private static func writeDecimal(_ value: Int, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) -> Int {
        var digits = 1
        var rest = value / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        var v = value
        for i in stride(from: offset + digits - 1, through: offset, by: -1) {
            buffer[i] = UInt8(ascii: "0") + UInt8(v % 10)
            v /= 10
        }
        return digits
    }
}
