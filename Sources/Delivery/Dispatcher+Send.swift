import Calls
import Curl
import Logging
import RuleEngine

extension Dispatcher {
    /// Starts one attempt. Requests without `call.vars` go out at once from
    /// the loop; the others first read the call's captured values.
    func begin(_ d: Delivery, target: Target, group: inout DiscardingTaskGroup) {
        guard d.usesCallVars else {
            fire(d, target: target, values: [:])
            return
        }
        group.addTask {
            do {
                let values = try await self.store.callVars(callID: d.callID)
                self.fire(d, target: target, values: values)
            } catch {
                // Never send with empty values: a failed attempt, retried.
                self.post(
                    Finished(
                        delivery: d, attempt: d.attempts + 1, startedAt: self.epochMillis(), durationSeconds: 0,
                        result: .failure(
                            HTTPClientError(
                                kind: .transport, message: "cannot read the call's captured values (call.vars): \(error)"))))
            }
        }
    }

    /// Adds the delivery headers and the signature, fills in `call.vars`,
    /// and hands the request to the client; the result comes back through
    /// the inbox.
    private func fire(_ d: Delivery, target: Target, values: [String: String]) {
        let attempt = d.attempts + 1
        var url = d.url
        var headers = d.headers
        var body = d.body
        if d.usesCallVars { (url, headers, body) = Self.fillCallVars(d, values: values) }
        // The three below and a signature's three: one copy, not a regrowth.
        headers.reserveCapacity(headers.count + 6)
        headers.append(("Idempotency-Key", d.id))
        headers.append(("User-Agent", userAgent))
        headers.append(("X-Callhook-Attempt", String(attempt)))
        if let secret = target.signingSecret, !secret.isEmpty {
            let timestamp = clock.wallTime().epochSeconds
            headers.append(contentsOf: WebhookSignature(secret: secret).headers(id: d.id, timestamp: timestamp, body: body ?? []))
        }
        let request = HTTPRequest(
            method: d.method, url: url, headers: headers, body: body, timeout: target.timeout,
            connectTimeout: target.connectTimeout, maxResponseBytes: Attempt.responseLimit,
            tls: TLSOptions(verify: target.tlsVerify, caFile: target.caFile))
        let startedAt = epochMillis()
        let started = monotonic()
        let key = d.seq ?? -1
        let handle = sender.send(request) { result in
            let seconds = Double(self.monotonic() - started) / 1e9
            self.inFlightHandles.withLock { $0.finished(key) }
            self.post(Finished(delivery: d, attempt: attempt, startedAt: startedAt, durationSeconds: seconds, result: result))
        }
        if !inFlightHandles.withLock({ $0.started(key, handle) }) { handle() }
    }

    /// The request's URL, headers and body with the `call.vars` values
    /// filled in, each escaped for its place.
    static func fillCallVars(
        _ d: Delivery, values: [String: String]
    ) -> (url: String, headers: [(name: String, value: String)], body: [UInt8]?) {
        if let late = d.lateBound, late.headerValues.count == d.headers.count {
            let filled = late.resolve(values)
            return (filled.url, zip(d.headers, filled.headerValues).map { ($0.name, $1) }, filled.body ?? d.body)
        }
        // A row written by an older version: markers inside the text.
        return (
            CallVars.substituteLegacy(d.url, values: values, escaping: .url),
            d.headers.map { ($0.name, CallVars.substituteLegacy($0.value, values: values, escaping: .header)) },
            d.body.map {
                Array(
                    CallVars.substituteLegacy(String(decoding: $0, as: UTF8.self), values: values, escaping: d.bodyEscaping)
                        .utf8)
            }
        )
    }

    /// Applies one attempt's result: `RetryPolicy` decides, the outcome is
    /// written with the next commit.
    func settle(_ f: Finished, _ s: inout DispatchState, nowEpoch: Int64, nowMono: Int64, targets: [String: Target]) {
        let d = f.delivery
        s.inFlight -= 1
        s.release(d)
        s.dirty = true
        // The delivery's log lines carry its id, rule, target, call and attempt.
        var log: Logger {
            var l = logger
            l[metadataKey: "delivery.id"] = "\(d.id)"
            l[metadataKey: "rule"] = "\(d.rule)"
            l[metadataKey: "target"] = "\(d.target)"
            l[metadataKey: "call.id"] = "\(d.callID)"
            l[metadataKey: "attempt"] = "\(f.attempt)"
            return l
        }

        let policy = RetryPolicy(settings: targets[d.target]?.retry ?? RetrySettings())
        let o = policy.outcome(of: f.result, attempt: f.attempt, nowEpochMillis: nowEpoch, random: random())
        if s.gates[d.target]?.finished(failed: o.breaker.failed, now: nowMono) == true {
            log.warning("target paused after 5 consecutive failures; one request will probe it in 30 s")
        }
        if o.verdict == AttemptOutcome.Verdict.notAnAttempt {
            if let seq = d.seq { s.loadedSeqs.remove(seq) }
            s.dropMarks(d.target)
            log.info("attempt cancelled at shutdown; the delivery stays queued")
            return
        }
        let status = o.status
        let error = o.error
        var response: [UInt8] = []
        if case .success(let r) = f.result { response = r.body }

        var outcome = StoreBatch.Outcome(
            id: d.id, seq: d.seq, status: .pending, attempts: f.attempt, nextAttemptAt: nowEpoch, lastStatus: status,
            lastError: error,
            finishedAt: nil,
            attempt: Attempt(
                number: f.attempt, startedAt: f.startedAt, durationSeconds: f.durationSeconds, status: status, error: error,
                response: response))
        let statusText = status.map(String.init) ?? "none"
        stats.attemptCount.add(1, ordering: .relaxed)
        switch o.verdict {
        case .notAnAttempt: return
        case .delivered:
            outcome.status = .delivered
            outcome.finishedAt = nowEpoch
            s.metrics.attempt(target: d.target, result: "success", seconds: f.durationSeconds)
            s.metrics.delivery(target: d.target, outcome: .delivered)
            // An event time from outside may be anything: saturate.
            let (elapsed, overflow) = (nowEpoch &* 1_000_000).subtractingReportingOverflow(d.eventTime)
            s.metrics.eventToDelivery(nanoseconds: overflow ? .max : elapsed)
            stats.deliveredCount.add(1, ordering: .relaxed)
            stats.pendingCount.subtract(1, ordering: .relaxed)
            if !d.capture.isEmpty && !d.callID.isEmpty {
                for (name, value) in ResponseCapture.values(d.capture, from: response) {
                    s.unwritten.callVars.append((d.callID, name, value))
                }
            }
            if logger.logLevel <= .debug {
                log.debug("delivered", metadata: ["status": "\(statusText)", "seconds": "\(f.durationSeconds)"])
            }
        case .dead(let reason):
            outcome.status = .dead
            outcome.finishedAt = nowEpoch
            outcome.lastError = error ?? reason
            s.metrics.attempt(target: d.target, result: "fail", seconds: f.durationSeconds)
            s.metrics.delivery(target: d.target, outcome: .dead)
            stats.deadCount.add(1, ordering: .relaxed)
            stats.pendingCount.subtract(1, ordering: .relaxed)
            log.warning("delivery is dead", metadata: ["status": "\(statusText)", "reason": "\(reason)"])
        case .retry(let at):
            let ms = at - nowEpoch
            outcome.nextAttemptAt = at
            s.nextDue = min(s.nextDue ?? .max, outcome.nextAttemptAt)
            s.metrics.attempt(target: d.target, result: "retry", seconds: f.durationSeconds)
            log.info(
                "attempt failed; will retry",
                metadata: ["status": "\(statusText)", "error": "\(error ?? "")", "retry_in_ms": "\(ms)"])
        }
        s.unwritten.outcomes.append(outcome)
    }
}
