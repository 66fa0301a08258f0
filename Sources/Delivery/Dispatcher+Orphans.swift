extension Dispatcher {
    /// A reload that removes or renames a target never destroys its queued
    /// work: the deliveries stay pending ("orphaned") and are not loaded,
    /// so they make no attempts and do not age into dead. They go out again
    /// when a reload brings the target back, or after `callhook queue retry
    /// --target NEW`; `callhook queue purge --orphaned` drops them.
    ///
    /// Logs a warning when a target becomes orphaned and a notice when it is
    /// defined again.
    func noteOrphans(_ s: inout DispatchState, known: Set<String>) {
        let orphans = s.pendingTargets.subtracting(known)
        for name in orphans.subtracting(s.orphanedTargets).sorted() {
            logger.warning(
                "deliveries wait: their target is not in the rules; they resume if it comes back",
                metadata: [
                    "target": "\(name)",
                    "hint": "callhook queue retry --orphaned --target NEW, or callhook queue purge --orphaned",
                ])
        }
        for name in s.orphanedTargets.subtracting(orphans) where known.contains(name) {
            logger.notice("target is defined again; its waiting deliveries resume", metadata: ["target": "\(name)"])
        }
        s.orphanedTargets = orphans
    }

    /// Sets `callhook_queue_depth{status="orphaned"}`.
    /// Nothing is read while every target with pending deliveries (as the
    /// last second's `pendingTargets` found) is defined: none is orphaned.
    func countOrphans(_ s: inout DispatchState) async {
        let known = Set(targets.withLock { $0.keys })
        guard !s.pendingTargets.isSubset(of: known) else {
            s.metrics.orphaned(0)
            return
        }
        guard let byTarget = try? await store.pendingCountsByTarget() else { return }
        s.metrics.orphaned(byTarget.filter { !known.contains($0.key) }.values.reduce(0, +))
    }
}
