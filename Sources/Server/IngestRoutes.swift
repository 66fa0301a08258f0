import Hummingbird
import Prometheus

/// `POST /v1/events` and `POST /v1/ingest/sipgate`: the token, the body
/// limit, the request and event metrics; the handler does the rest.
enum IngestRoutes {
    /// Bodies over 1 MiB are refused (413) without reading the rest.
    static let bodyLimit = 1 << 20

    static func add(to router: Router<BasicRequestContext>, api: ServerAPI, registry: PrometheusCollectorRegistry) {
        let auth = api.ingestAuth
        router.post("v1/events") { request, _ in
            await handle(request, endpoint: "events", auth: auth, registry: registry, queryToken: nil) { body, type in
                guard let ingest = api.ingest else { return notFound }
                return await ingest.events(body: body, contentType: type)
            }
        }
        router.post("v1/ingest/sipgate") { request, _ in
            let queryToken = request.uri.queryParameters["token"].map(String.init)
            let host = request.head.authority
            return await handle(request, endpoint: "sipgate", auth: auth, registry: registry, queryToken: queryToken) {
                body, type in
                guard let ingest = api.ingest else { return notFound }
                return await ingest.sipgate(
                    body: body, contentType: type, queryToken: viaQuery(auth, request, queryToken) ? queryToken : nil,
                    host: host)
            }
        }
    }

    static let notFound = APIAnswer.error(404, "not found")

    static var requestsMetric: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "callhook", metricName: "ingest_requests", unitName: "total",
            helpText: "Ingest requests by endpoint and HTTP status.")
    }

    static var eventsMetric: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "callhook", metricName: "ingest_events", unitName: "total", helpText: "Events applied from ingest.")
    }

    static func viaQuery(_ auth: BearerAuth, _ request: Request, _ queryToken: String?) -> Bool {
        auth.check(authorization: request.headers[.authorization], queryToken: queryToken) == .allowed(viaQuery: true)
    }

    static func handle(
        _ request: Request, endpoint: String, auth: BearerAuth, registry: PrometheusCollectorRegistry, queryToken: String?,
        _ body: ([UInt8], String?) async -> APIAnswer
    ) async -> Response {
        let answer: APIAnswer
        var closeConnection = false
        switch auth.check(authorization: request.headers[.authorization], queryToken: queryToken) {
        case .notConfigured:
            // Not counted: the endpoint does not exist.
            return RouteAnswer.response(notFound)
        case .unauthorized:
            answer = RouteAnswer.unauthorized
        case .allowed:
            switch await readBody(request) {
            case .tooLarge:
                answer = .error(413, "the body is over 1 MiB (1048576 bytes); send fewer events per request")
                closeConnection = true
            case .failed:
                answer = .error(400, "the body could not be read")
                closeConnection = true
            case .read(let bytes):
                answer = await body(bytes, request.headers[.contentType])
            }
        }
        registry.makeCounter(descriptor: requestsMetric, labels: [("endpoint", endpoint), ("status", String(answer.status))])
            .increment()
        if answer.events > 0 {
            registry.makeCounter(descriptor: eventsMetric, labels: [("endpoint", endpoint)]).increment(by: Int64(answer.events))
        }
        var response = answer.status == 401 ? RouteAnswer.unauthorizedResponse() : RouteAnswer.response(answer)
        if closeConnection { response.headers[.connection] = "close" }
        return response
    }

    enum BodyRead {
        case read([UInt8])
        case tooLarge
        case failed
    }

    /// Reads the body up to the limit: a `Content-Length` over it is refused
    /// before reading anything, a streamed body as soon as it passes it.
    static func readBody(_ request: Request) async -> BodyRead {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > bodyLimit { return .tooLarge }
        var bytes: [UInt8] = []
        do {
            for try await buffer in request.body {
                guard bytes.count + buffer.readableBytes <= bodyLimit else { return .tooLarge }
                bytes.append(contentsOf: buffer.readableBytesView)
            }
        } catch {
            return .failed
        }
        return .read(bytes)
    }
}
