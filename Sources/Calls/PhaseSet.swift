/// A set of phases as a bit mask: the tracker keeps one per call leg, so it
/// must not allocate.
public struct PhaseSet: Sendable, Hashable, ExpressibleByArrayLiteral {
    private var bits: UInt8 = 0

    public init() {}
    public init(arrayLiteral elements: Phase...) { for e in elements { insert(e) } }

    private static func bit(_ p: Phase) -> UInt8 {
        switch p {
        case .incoming: 1
        case .outgoing: 2
        case .answered: 4
        case .ended: 8
        case .missed: 16
        case .line: 32
        }
    }

    public func contains(_ p: Phase) -> Bool { bits & Self.bit(p) != 0 }
    public mutating func insert(_ p: Phase) { bits |= Self.bit(p) }
    public var isEmpty: Bool { bits == 0 }
}
