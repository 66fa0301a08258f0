import Agents
import Calls
import Hummingbird
import Logging

/// `GET /v1/agents/events` (the agents' Server-Sent Events stream) and
/// `GET /agent` (the web agent page), added to a router only when
/// `server.agent_secret` is set: without it both paths answer 404.
///
/// The stream is authenticated with `Authorization: Bearer TOKEN` or
/// `?access_token=TOKEN`; a missing, malformed, forged or expired token gets
/// 401. The token (and so the query string) is never logged: the log line
/// for a refused token names only the reason's kind.
public struct AgentRoutes: Sendable {
    let hub: AgentHub
    let secret: String
    let clock: PipelineClock
    let logger: Logger

    public init(hub: AgentHub, secret: String, clock: PipelineClock = .system, logger: Logger) {
        self.hub = hub
        self.secret = secret
        self.clock = clock
        self.logger = logger
    }

    /// Adds both routes to `router`.
    public func add<Context: RequestContext>(to router: Router<Context>) {
        router.get("agent") { _, _ in Self.page() }
        router.get("v1/agents/events") { request, _ in self.events(request) }
    }

    static func page() -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: AgentPage.contentType, .contentSecurityPolicy: AgentPage.contentSecurityPolicy,
                .cacheControl: "no-store",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: AgentPage.html)))
    }

    /// The stream for the request's token, or 401.
    func events(_ request: Request) -> Response {
        let token = AgentToken.fromRequest(
            authorization: request.headers[.authorization],
            accessToken: request.uri.queryParameters["access_token"].map(String.init))
        let verified: AgentToken
        do {
            verified = try AgentToken.verify(token, secret: secret, now: clock.wallTime())
        } catch {
            logger.info("agent token refused", metadata: ["reason": "\(Self.kind(of: error))"])
            return Response(
                status: .unauthorized,
                headers: [.contentType: "application/json", .wwwAuthenticate: #"Bearer realm="callhook agents""#],
                body: ResponseBody(byteBuffer: ByteBuffer(string: Self.errorJSON(error.description))))
        }
        let subscription = hub.subscribe(scope: verified.scope)
        let hub = self.hub
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: ResponseBody { writer in
                // Ends when the hub finishes the stream (overflow, shutdown),
                // or when a write fails because the client went away.
                defer { hub.cancel(subscription) }
                for await frame in subscription {
                    try await writer.write(ByteBuffer(string: frame))
                }
                try await writer.finish(nil)
            })
    }

    /// The error's kind for logs (never the token).
    static func kind(of error: AgentTokenError) -> String {
        switch error {
        case .missing: "missing"
        case .malformed: "malformed"
        case .forged: "forged"
        case .expired: "expired"
        case .noSecret: "no secret"
        case .invalidClaims: "invalid claims"
        }
    }

    static func errorJSON(_ message: String) -> String {
        var escaped = ""
        for scalar in message.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case _ where scalar.value < 0x20: escaped += " "
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return #"{"error":""# + escaped + #""}"#
    }
}
