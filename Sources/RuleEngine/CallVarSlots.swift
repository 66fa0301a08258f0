/// `call.vars.NAME`: values captured from earlier responses of the same call,
/// resolved when a request is sent rather than when it is queued
/// (rules.md, "Templates").
///
/// While one event is rendered, each such tag renders as a slot
/// placeholder made of a secret drawn fresh for that event (128 random
/// bits), so no value of the call can spell one; the rendered text is then
/// split into a `LateBoundText` and the placeholders are gone. Only
/// letters, digits and `_` are used, so every escaping leaves them intact.
public struct CallVarSlots: Sendable {
    /// `__callhook_slot_<32 hex digits>_`, then the name in hex, then `_`.
    let token: String

    public init() {
        var g = SystemRandomNumberGenerator()
        self.init(using: &g)
    }

    public init(using generator: inout some RandomNumberGenerator) {
        let a = generator.next() as UInt64
        let b = generator.next() as UInt64
        token = "__callhook_slot_" + Self.hex(a) + Self.hex(b) + "_"
    }

    /// What `{{call.vars.NAME}}` renders as during this event's rendering.
    public func placeholder(_ name: String) -> String {
        token + CallVars.hexEncode(name) + "_"
    }

    /// Splits rendered text into literals and slots; `escaping` is the
    /// escaping of the place the text sits in. Only names in `names` become
    /// slots.
    public func split(_ text: String, names: Set<String>, escaping: Escaping) -> LateBoundText {
        guard text.contains(token) else { return LateBoundText([.literal(text)]) }
        var pieces: [LateBoundText.Piece] = []
        var literal = ""
        var rest = Substring(text)
        while let start = rest.range(of: token) {
            literal += rest[rest.startIndex..<start.lowerBound]
            let afterToken = rest[start.upperBound...]
            if let end = afterToken.firstIndex(of: "_"),
                let name = CallVars.hexDecode(afterToken[afterToken.startIndex..<end]), names.contains(name)
            {
                if !literal.isEmpty { pieces.append(.literal(literal)) }
                literal = ""
                pieces.append(.variable(name: name, escaping: escaping))
                rest = afterToken[afterToken.index(after: end)...]
            } else {
                literal += rest[start]
                rest = afterToken
            }
        }
        literal += rest
        if !literal.isEmpty || pieces.isEmpty { pieces.append(.literal(literal)) }
        return LateBoundText(pieces)
    }

    static func hex(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
