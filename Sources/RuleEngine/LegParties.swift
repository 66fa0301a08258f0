import Calls
import Synchronization

/// A leg's two parties in the forms conditions and templates use, derived
/// once when the tracker first sees the leg (and again when a later event
/// fills in a number) instead of at each phase: a call fires three or four
/// phases, and the normalization was a tenth of the engine's time
/// (docs/benchmarks.md). Kept with the leg as its `annotation`.
///
/// Valid only for the rule set and directories it was made with: each
/// engine stamps them with a `generation` that changes when either does,
/// and an evaluation context whose generation differs derives the parties
/// again, as it did before.
final class LegParties: LegAnnotation {
    let generation: UInt64
    let caller: PhoneNumber
    let callee: PhoneNumber

    init(_ leg: CallLeg, box: RuleSetBox, directory: [String: String], generation: UInt64) {
        self.generation = generation
        let customer = leg.key.customer
        caller = Self.party(
            leg.caller, context: leg.callerContext, customer: customer, box: box,
            listed: { !directory.isEmpty && directory[$0] != nil })
        callee = Self.party(
            leg.callee, context: leg.calleeContext, customer: customer, box: box,
            listed: { !directory.isEmpty && directory[$0] != nil })
    }

    /// One party: an extension of the tenant (by its context or length,
    /// or listed in the PBX's directory) keeps its number as it is.
    static func party(
        _ number: String, context: String?, customer: String, box: RuleSetBox, listed: (String) -> Bool
    ) -> PhoneNumber {
        let isExtension =
            PhoneNumber.isInternal(number, context: context, customer: customer, settings: box.settings) || listed(number)
        return PhoneNumber(raw: number, isInternal: isExtension, settings: box.settings)
    }

    /// A generation no other engine, and no earlier state of this one, has
    /// used (never 0: 0 means "none").
    static func nextGeneration() -> UInt64 { counter.add(1, ordering: .relaxed).newValue }

    private static let counter = Atomic<UInt64>(0)
}
