/// Why `NFONDecoder` refused an event's data: the input is not one JSON
/// object, or a field callhook reads has the wrong type or is missing.
public struct NFONDecodeError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// Not valid JSON (RFC 8259), or not an object, or nested deeper than `NFONDecoder.maximumDepth`.
        case syntax
        /// A required field (`uuid`, `state`; `extension` of a state) is missing or `null`.
        case missing
        /// A field callhook reads is not a string (or `null` where allowed).
        case type
    }

    public var kind: Kind
    /// Byte offset into the data where the problem was found.
    public var offset: Int
    /// The field concerned, for `missing` and `type`.
    public var field: String?

    public init(_ kind: Kind, at offset: Int, field: String? = nil) {
        self.kind = kind
        self.offset = offset
        self.field = field
    }

    public var description: String {
        switch kind {
        case .syntax: "not a valid JSON object (at byte \(offset))"
        case .missing: "the field \"\(field ?? "")\" is missing"
        case .type: "the field \"\(field ?? "")\" is not a string (at byte \(offset))"
        }
    }
}
