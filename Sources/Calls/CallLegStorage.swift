/// The fields of one `CallLeg`, shared between its copies until one of
/// them changes (copy-on-write). A leg is copied into every phase event it
/// fires, into each phase's evaluation context and into the engine's
/// result: as a struct of a dozen strings each copy retained every one of
/// them, a fifth of the engine's time (docs/benchmarks.md). Shared, a copy
/// is one retain.
///
/// A `ManagedBuffer` whose header holds the fields: they are read and
/// changed through its pointer, without the run-time exclusivity check
/// every stored property of a class costs (6 % of the engine's time as a
/// class of stored properties).
/// A storage is changed only through `CallLeg`'s accessors, and only while
/// that leg holds the one reference to it.
@usableFromInline final class CallLegStorage: ManagedBuffer<CallLegFields, Void> {
    @usableFromInline static func make(_ fields: CallLegFields) -> CallLegStorage {
        unsafeDowncast(create(minimumCapacity: 0) { _ in fields }, to: CallLegStorage.self)
    }

    /// A storage of its own for a leg about to change a shared one.
    @usableFromInline func copy() -> CallLegStorage { Self.make(fields.pointee) }

    /// The fields, through the buffer's pointer: `header` is a stored
    /// property of the class, and each access to it went through the
    /// run-time exclusivity check.
    ///
    /// The pointer is valid only while this storage is alive: use it only
    /// as `storage.fields` of a leg being read or changed (`CallLeg`'s
    /// accessors, `==`, `hash(into:)`), never on a temporary storage and
    /// never kept.
    @inlinable var fields: UnsafeMutablePointer<CallLegFields> { withUnsafeMutablePointerToHeader { $0 } }
}
