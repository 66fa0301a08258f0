import AsyncAlgorithms
import Calls
import Feeds
import Logging
import RuleEngine
import ServiceLifecycle

/// No call is left open (runtime.md, "Call tracker"): states snapshots after
/// a reconnect, and the `[calls] max_ring` / `max_talk` bounds, end legs
/// whose hang-up never came, as `lost`.
extension Pipeline {
    /// Sets `[calls] max_ring` and `max_talk`; legs already open follow the
    /// new bounds from the next sweep on.
    public func setCallBounds(maxRing: Duration, maxTalk: Duration) {
        engine.tracker.maxRing = maxRing
        engine.tracker.maxTalk = maxTalk
    }

    /// How often the bounds are checked: every second, or a tenth of the
    /// shorter bound when that is less (tests with short bounds).
    public var sweepInterval: Duration {
        min(.seconds(1), min(engine.tracker.maxRing, engine.tracker.maxTalk) / 10)
    }

    /// Ends the legs a states snapshot shows idle, then lets the rules see
    /// each `ended`.
    func reconcile(_ snapshot: LineSnapshot) async {
        let results = engine.reconcile(snapshot, now: clock.wallTime())
        if results.isEmpty {
            logger.debug("states snapshot: no open call to end", metadata: ["customer": "\(snapshot.customer)"])
        }
        for r in results { await finish(r) }
    }

    /// Ends the legs silent past their bound at the clock's wall time, and
    /// drops ended legs past retention. Runs from the daemon's timer
    /// (`runSweeps`) and before incoming events; tests call it after moving
    /// a `ManualClock`.
    public func sweep() async {
        let now = clock.wallTime()
        lastSweep = now
        for r in engine.endSilentLegs(now: now) { await finish(r) }
        engine.forgetLookups()
    }

    /// A sweep, when the last one is at least `sweepInterval` ago (or the
    /// wall clock was stepped back past it).
    func sweepIfDue() async {
        let since = clock.wallTime() - lastSweep
        guard since >= sweepInterval || since < .zero else { return }
        await sweep()
    }

    /// Sweeps every `sweepInterval` until graceful shutdown (a service of
    /// `callhook run`).
    public func runSweeps() async {
        let ticks = AsyncTimerSequence.repeating(every: sweepInterval).cancelOnGracefulShutdown()
        for await _ in ticks { await sweepIfDue() }
    }

    /// Counts, logs and hands on one reconciled `ended`.
    private func finish(_ result: EngineResult) async {
        if let leg = result.event?.leg, let reason = leg.reconciledBy {
            reconcileMetrics.reconciled(reason, source: metrics.source ?? "nfon:" + leg.key.customer)
            logger.notice(
                "call ended as lost: its hang-up was not seen",
                metadata: [
                    "call.id": "\(leg.key.uuid)", "customer": "\(leg.key.customer)", "extension": "\(leg.key.extension)",
                    "reason": "\(reason.rawValue)", "ended_at": "\(leg.endedAt?.rfc3339() ?? "")",
                    "answered": "\(leg.answered)",
                ])
        }
        await handle(result)
    }

    /// A real hang-up for a leg already ended as `lost`: fires nothing.
    func noteLateHangup(_ call: CallEvent) {
        reconcileMetrics.lateHangup(source: metrics.source ?? "nfon:" + (call.customer ?? ""))
        logger.info(
            "late hang-up of a call already ended as lost; nothing fired",
            metadata: ["call.id": "\(call.uuid)", "extension": "\(call.extension ?? "")"])
    }
}
