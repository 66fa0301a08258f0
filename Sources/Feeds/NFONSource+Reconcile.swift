import Calls
import Curl
import Foundation

extension NFONSource {
    /// After a reconnect of the calls stream: `GET /extensions/phone/states`
    /// with `Accept: application/json`, handed to the sink as
    /// `.reconcile`, so legs whose hang-up was lost in the outage end as
    /// `lost`. A failed snapshot is logged and counted (`kind="snapshot"`);
    /// those legs then end at `max_ring` / `max_talk`.
    func reconcile(ifReconnected reconnected: Bool) async {
        guard reconnected else { return }
        let requested = WallClock.now()
        let started = ContinuousClock.now
        do {
            let r = try await fetchJSON("/extensions/phone/states", timeout: .seconds(30))
            guard r.status == 200 else {
                logger.warning("states snapshot after reconnect failed", metadata: ["status": "\(r.status)"])
                await sink.receive(.error(kind: "snapshot"))
                return
            }
            guard let states = try? NFONDecoder.states(r.body) else {
                logger.warning(
                    "states snapshot after reconnect is not a JSON array of states", metadata: ["bytes": "\(r.body.count)"])
                await sink.receive(.error(kind: "snapshot"))
                return
            }
            let arrival = WallClock.now()
            let ms = Int((ContinuousClock.now - started) / .milliseconds(1))
            logger.info(
                "states snapshot after reconnect",
                metadata: [
                    "extensions": "\(states.count)",
                    "idle": "\(states.filter { LineSnapshot.idleLines.contains($0.line?.lowercased() ?? "") }.count)",
                    "took_ms": "\(ms)",
                ])
            await sink.receive(
                .reconcile(LineSnapshot(customer: options.account, states: states, requested: requested, arrival: arrival)))
        } catch {
            if Task.isCancelled { return }
            logger.warning("states snapshot after reconnect failed: \(error)")
            await sink.receive(.error(kind: "snapshot"))
        }
    }
}
