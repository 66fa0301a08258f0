import Calls
import Feeds
import Foundation
import Logging
import Server
import Synchronization

/// `POST /v1/events` and `POST /v1/ingest/sipgate` behind their routes:
/// decode (all or nothing), hand the events to the pipeline as one batch,
/// answer once their requests are committed to the queue.
final class IngestHandler: IngestAPI {
    let pipeline: Pipeline
    let sipgateAdapter: SipgateAdapter
    /// `[server] public_url`.
    let publicURL: String?
    let logger: Logger
    let clock: PipelineClock
    /// Whether the missing `public_url` was reported already.
    let warnedPublicURL = Atomic<Bool>(false)

    init(pipeline: Pipeline, customer: String, publicURL: String?, logger: Logger, clock: PipelineClock) {
        self.pipeline = pipeline
        self.sipgateAdapter = SipgateAdapter(customer: customer, clock: clock)
        self.publicURL = publicURL
        self.logger = logger
        self.clock = clock
    }

    static let notQueued = APIAnswer.error(503, "callhook is shutting down: the events were not applied; send them again")

    func events(body: [UInt8], contentType: String?) async -> APIAnswer {
        let batch: IngestBatch
        do {
            // `curl -d` without `-H Content-Type` sends form-urlencoded: sniffed like a missing type.
            let type = contentType.map(Self.mediaType) == "application/x-www-form-urlencoded" ? nil : contentType
            batch = try IngestDecoder.decode(body, contentType: type)
        } catch {
            return .error(error.httpStatus, error.description)
        }
        let arrival = clock.wallTime()
        guard await pipeline.ingest(batch.events.map { $0.sourceEvent(arrival: arrival) }) else { return Self.notQueued }
        return .json(202, ["accepted": batch.count], events: batch.count)
    }

    func sipgate(body: [UInt8], contentType: String?, queryToken: String?, host: String?) async -> APIAnswer {
        if let contentType, Self.mediaType(contentType) != "application/x-www-form-urlencoded" {
            return .error(415, "expected Content-Type application/x-www-form-urlencoded (a sipgate.io push)")
        }
        let push: SipgatePush
        do {
            push = try SipgatePush(body: body)
        } catch {
            return .error(error.httpStatus, error.description)
        }
        let calls = sipgateAdapter.events(for: push)
        let arrival = clock.wallTime()
        guard await pipeline.ingest(calls.map { .call($0, arrival: arrival) }) else { return Self.notQueued }
        guard push.event == .newCall else {
            return APIAnswer(
                status: 200, contentType: "application/xml", body: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response/>\n",
                events: calls.count)
        }
        guard let base = baseURL(host: host) else {
            return APIAnswer(
                status: 200, contentType: "application/xml", body: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response/>\n",
                events: calls.count)
        }
        return APIAnswer(
            status: 200, contentType: "application/xml",
            body: SipgateAdapter.newCallResponse(publicURL: base, token: queryToken), events: calls.count)
    }

    /// `public_url`, else `http://` + the request's `Host` (with a warning,
    /// once: behind a proxy or with TLS that address is wrong).
    func baseURL(host: String?) -> String? {
        if let publicURL { return publicURL }
        if !warnedPublicURL.exchange(true, ordering: .relaxed) {
            logger.warning(
                "[server] public_url is not set: the sipgate.io follow-up URLs use http:// and the request's Host header; set public_url to the address sipgate.io reaches this server at"
            )
        }
        guard let host, !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "/" || $0 == "\"" }) else { return nil }
        return "http://" + host
    }

    /// `type/subtype`, lowercased, without parameters.
    static func mediaType(_ header: String) -> String {
        String(header.split(separator: ";", maxSplits: 1).first ?? "").trimmingCharacters(in: .whitespaces).lowercased()
    }
}
