/// An `application/x-www-form-urlencoded` body: name/value pairs in order.
///
/// Names and values are percent-decoded with `+` as a space; a `%` not
/// followed by two hex digits is kept as it is, and bytes that are not
/// UTF-8 become U+FFFD. Repeated names (`user[]=Alice&user[]=Bob`) keep
/// every value in order. Parsing is linear and bounded by `maximumPairs`.
public struct FormBody: Sendable, Hashable {
    /// More pairs than this is refused (sipgate.io sends a few dozen at most).
    public static let maximumPairs = 1000

    public var pairs: [(name: String, value: String)] {
        zip(names, values).map { (name: $0, value: $1) }
    }
    private var names: [String] = []
    private var values: [String] = []

    /// Parses a body. Empty segments (`a=1&&b=2`) are skipped; a segment
    /// without `=` is a name with an empty value.
    public init(_ body: [UInt8]) throws(IngestError) {
        for segment in body.split(separator: UInt8(ascii: "&")) {
            guard names.count < Self.maximumPairs else {
                throw IngestError("more than \(Self.maximumPairs) form fields")
            }
            if let eq = segment.firstIndex(of: UInt8(ascii: "=")) {
                names.append(Self.decode(segment[segment.startIndex..<eq]))
                values.append(Self.decode(segment[(eq + 1)...]))
            } else {
                names.append(Self.decode(segment))
                values.append("")
            }
        }
    }

    /// Parses a body given as text.
    public init(_ text: String) throws(IngestError) { try self.init(Array(text.utf8)) }

    /// The first value of `name`, if any.
    public func first(_ name: String) -> String? {
        names.firstIndex(of: name).map { values[$0] }
    }

    /// Every value of `name`, in body order.
    public func all(_ name: String) -> [String] {
        zip(names, values).compactMap { $0 == name ? $1 : nil }
    }

    public static func == (a: FormBody, b: FormBody) -> Bool { a.names == b.names && a.values == b.values }
    public func hash(into h: inout Hasher) {
        h.combine(names)
        h.combine(values)
    }

    /// Percent-decoding with `+` as a space.
    static func decode(_ bytes: ArraySlice<UInt8>) -> String {
        guard bytes.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) else {
            return String(decoding: bytes, as: UTF8.self)
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            if b == UInt8(ascii: "+") {
                out.append(32)
            } else if b == UInt8(ascii: "%"), let hi = hex(bytes, i + 1), let lo = hex(bytes, i + 2) {
                out.append(hi << 4 | lo)
                i += 3
                continue
            } else {
                out.append(b)
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hex(_ bytes: ArraySlice<UInt8>, _ i: Int) -> UInt8? {
        guard i < bytes.endIndex else { return nil }
        switch bytes[i] {
        case 48...57: return bytes[i] - 48
        case 65...70: return bytes[i] - 55
        case 97...102: return bytes[i] - 87
        default: return nil
        }
    }
}
