import Delivery
import RuleEngine

extension Pipeline {
    /// Hands requests to the dispatcher. Inside an ingest batch they are
    /// collected and committed together at its end (`commit`); otherwise
    /// (stream events, events released by a caller lookup) they join the
    /// dispatcher's next group commit without waiting for it, in order. The
    /// dispatcher bounds what waits for a commit, so a slow or failing disk
    /// makes this wait and the source with it, instead of growing memory.
    func queue(_ requests: [RenderedRequest]) async {
        if collecting != nil {
            collecting?.append(contentsOf: requests)
            return
        }
        do {
            try await dispatcher.enqueue(requests)
        } catch {
            stats.unqueuedCount.add(requests.count, ordering: .relaxed)
            logger.warning(
                "requests not queued: shutting down",
                metadata: ["call.id": "\(requests[0].callID)", "requests": "\(requests.count)"])
        }
    }

    /// Writes requests to the queue and returns once they are committed
    /// (an ingest batch is acknowledged only then). While the queue cannot
    /// be written it waits and tries again every second (the caller waits
    /// with it) rather than drop them; only shutdown gives up.
    func commit(_ requests: [RenderedRequest]) async {
        var failing = false
        while true {
            do {
                try await dispatcher.submit(requests)
                if failing { logger.notice("requests queued after the delivery queue recovered") }
                return
            } catch Dispatcher.SubmitError.stopping {
                stats.unqueuedCount.add(requests.count, ordering: .relaxed)
                logger.warning(
                    "requests not queued: shutting down",
                    metadata: ["call.id": "\(requests[0].callID)", "requests": "\(requests.count)"])
                return
            } catch {
                if !failing {
                    failing = true
                    logger.error(
                        "requests not queued yet; retrying every second",
                        metadata: ["call.id": "\(requests[0].callID)", "error": "\(error)"])
                }
                if Task.isCancelled {
                    stats.unqueuedCount.add(requests.count, ordering: .relaxed)
                    logger.error("requests not queued: the source stopped while the queue was failing")
                    return
                }
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Returns once everything queued so far is committed (false at
    /// shutdown); tries again every second while the queue cannot be written.
    func flush() async -> Bool {
        while true {
            do {
                try await dispatcher.flush()
                return true
            } catch Dispatcher.SubmitError.stopping {
                return false
            } catch {
                if Task.isCancelled { return false }
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}
