/// A forward-only reader of one JSON text (RFC 8259) in UTF-8 bytes, for
/// decoders that read a few known fields and skip the rest.
///
/// Strict: whitespace is space, tab, CR and LF only; no trailing commas,
/// no leading zeros, no `NaN`; control characters in strings and unknown
/// escapes are errors; `\u` escapes must pair their surrogates. Strings
/// that are kept are checked to be valid UTF-8; skipped ones only for
/// their JSON structure. Nesting is bounded by `maximumDepth`, without
/// recursion. Allocates only for the strings it returns (and a scratch
/// buffer for strings with escapes, and for skipping nested values).
struct JSONByteScanner {
    /// How deep objects and arrays may nest, the outermost one included
    /// (as Foundation's `JSONDecoder`).
    static let maximumDepth = 512

    let base: UnsafePointer<UInt8>
    let count: Int
    var i = 0

    init(_ buffer: UnsafeBufferPointer<UInt8>) {
        // An empty buffer may have no base address; with a count of 0 the
        // placeholder is never read.
        base = buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!
        count = buffer.baseAddress == nil ? 0 : buffer.count
    }

    func error() -> NFONDecodeError { NFONDecodeError(.syntax, at: i) }

    /// The byte at the read position, or 0 at the end (0 is never valid
    /// where a caller looks for a byte).
    @inline(__always) var byte: UInt8 { i < count ? base[i] : 0 }

    @inline(__always) mutating func skipSpace() {
        while i < count {
            let b = base[i]
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            i += 1
        }
    }

    /// A UTF-8 byte order mark at the start (Foundation skips one too).
    mutating func skipByteOrderMark() {
        if count >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF { i = 3 }
    }

    @inline(__always) mutating func expect(_ b: UInt8) throws(NFONDecodeError) {
        guard i < count, base[i] == b else { throw error() }
        i += 1
    }

    /// Whether only whitespace is left.
    mutating func atEnd() -> Bool {
        skipSpace()
        return i == count
    }

    /// A string token from its opening quote: the bytes between the quotes
    /// and whether any escape occurs in them. Checks escapes and control
    /// characters, not UTF-8.
    mutating func scanString() throws(NFONDecodeError) -> (start: Int, end: Int, escaped: Bool) {
        try expect(0x22)
        let start = i
        var escaped = false
        while i < count {
            let b = base[i]
            if b == 0x22 {
                i += 1
                return (start, i - 1, escaped)
            }
            if b < 0x20 { throw error() }
            if b == 0x5C {
                escaped = true
                guard i + 1 < count else { throw error() }
                switch base[i + 1] {
                case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74: i += 2
                case 0x75:
                    guard i + 5 < count, hex(i + 2) != nil else { throw error() }
                    i += 6
                default: throw error()
                }
                continue
            }
            i += 1
        }
        throw error()
    }

    /// The value of four hex digits at `at`, if they are.
    func hex(_ at: Int) -> UInt32? {
        var v: UInt32 = 0
        for k in at..<(at + 4) {
            let b = base[k]
            let d: UInt8
            switch b {
            case 0x30...0x39: d = b - 0x30
            case 0x41...0x46: d = b - 0x41 + 10
            case 0x61...0x66: d = b - 0x61 + 10
            default: return nil
            }
            v = v << 4 | UInt32(d)
        }
        return v
    }

    /// The string a scanned token stands for; nil when it is not valid
    /// UTF-8 or pairs its surrogates wrongly.
    func string(_ token: (start: Int, end: Int, escaped: Bool)) -> String? {
        if !token.escaped {
            return String(
                validating: UnsafeBufferPointer(start: base + token.start, count: token.end - token.start), as: UTF8.self)
        }
        guard let bytes = unescaped(token) else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }

    /// The bytes of an escaped string token with its escapes resolved.
    func unescaped(_ token: (start: Int, end: Int, escaped: Bool)) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(token.end - token.start)
        var k = token.start
        while k < token.end {
            let b = base[k]
            guard b == 0x5C else {
                out.append(b)
                k += 1
                continue
            }
            let e = base[k + 1]
            k += 2
            switch e {
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            case 0x75:
                guard var scalar = hex(k) else { return nil }
                k += 4
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    // A high surrogate must be followed by an escaped low one.
                    guard k + 5 < token.end + 1, base[k] == 0x5C, base[k + 1] == 0x75, let low = hex(k + 2),
                        low >= 0xDC00 && low < 0xE000
                    else { return nil }
                    k += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    return nil
                }
                guard let u = Unicode.Scalar(scalar) else { return nil }
                out.append(contentsOf: UTF8.encode(u)!)
            default: out.append(e)  // " \ /
            }
        }
        return out
    }

    /// Whether a scanned token's bytes (no escapes) are exactly `name`.
    @inline(__always) func equals(_ token: (start: Int, end: Int, escaped: Bool), _ name: StaticString) -> Bool {
        let n = name.utf8CodeUnitCount
        guard token.end - token.start == n else { return false }
        let p = name.utf8Start
        for k in 0..<n where base[token.start + k] != p[k] { return false }
        return true
    }

    /// Skips one scalar: string, number, `true`, `false` or `null`.
    mutating func skipScalar() throws(NFONDecodeError) {
        switch byte {
        case 0x22: _ = try scanString()
        case 0x74: try literal("true")
        case 0x66: try literal("false")
        case 0x6E: try literal("null")
        case 0x2D, 0x30...0x39: try number()
        default: throw error()
        }
    }

    mutating func literal(_ word: StaticString) throws(NFONDecodeError) {
        let n = word.utf8CodeUnitCount
        guard i + n <= count else { throw error() }
        let p = word.utf8Start
        for k in 0..<n where base[i + k] != p[k] { throw error() }
        i += n
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    mutating func number() throws(NFONDecodeError) {
        if byte == 0x2D { i += 1 }
        guard isDigit(byte) else { throw error() }
        if byte == 0x30 {
            i += 1
        } else {
            while isDigit(byte) { i += 1 }
        }
        if byte == 0x2E {
            i += 1
            guard isDigit(byte) else { throw error() }
            while isDigit(byte) { i += 1 }
        }
        if byte == 0x65 || byte == 0x45 {
            i += 1
            if byte == 0x2B || byte == 0x2D { i += 1 }
            guard isDigit(byte) else { throw error() }
            while isDigit(byte) { i += 1 }
        }
    }

    @inline(__always) func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    /// Skips any value at `depth` (the outermost object is depth 1), nested
    /// objects and arrays included, without recursion.
    mutating func skipValue(depth: Int) throws(NFONDecodeError) {
        skipSpace()
        let first = byte
        guard first == 0x7B || first == 0x5B else { return try skipScalar() }
        // One bit per open container: set for an object.
        var objects = [UInt64](repeating: 0, count: Self.maximumDepth / 64 + 1)
        var level = 0
        func open(_ b: UInt8) throws(NFONDecodeError) {
            level += 1
            guard depth + level <= Self.maximumDepth else { throw error() }
            if b == 0x7B {
                objects[level >> 6] |= 1 << UInt64(level & 63)
            } else {
                objects[level >> 6] &= ~(1 << UInt64(level & 63))
            }
            i += 1
        }
        func closer() -> UInt8 { objects[level >> 6] & (1 << UInt64(level & 63)) != 0 ? 0x7D : 0x5D }
        try open(first)
        var justOpened = true
        elements: while true {
            skipSpace()
            if justOpened && byte == closer() {
                i += 1
                level -= 1
                if level == 0 { return }
            } else {
                if closer() == 0x7D {
                    _ = try scanString()
                    skipSpace()
                    try expect(0x3A)
                    skipSpace()
                }
                let b = byte
                if b == 0x7B || b == 0x5B {
                    try open(b)
                    justOpened = true
                    continue elements
                }
                try skipScalar()
            }
            // After a value inside the container at `level`.
            while true {
                skipSpace()
                let b = byte
                if b == 0x2C {
                    i += 1
                    justOpened = false
                    continue elements
                }
                guard i < count, b == closer() else { throw error() }
                i += 1
                level -= 1
                if level == 0 { return }
            }
        }
    }
}
