import Calls
import Foundation
import Hummingbird

extension Simulator {
    struct Credentials: Decodable {
        var username: String?
        var password: String?
    }

    struct ExtensionData: Encodable {
        var uuid: String
        var extension_number: String
        var name: String
    }

    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        let tenants = self.tenants
        let options = self.options

        router.post("/v1/login") { request, context -> Response in
            guard let c = try? await request.decode(as: Credentials.self, context: context),
                let user = c.username, !user.isEmpty, c.password != nil
            else { return Self.error(.badRequest, "username and password are required") }
            // The password is checked with --username, and for every tenant of several.
            let checksPassword = tenants.count > 1 || options.username != nil
            guard let tenant = tenants.first(where: { $0.accepts(user: user, tenants: tenants.count) }),
                !checksPassword || options.password.map({ $0 == c.password }) ?? true
            else { return Self.error(.unauthorized, "invalid credentials") }
            if let status = await tenant.hub.takeLoginFailure() {
                return Self.error(HTTPResponse.Status(code: status), "login failed (simulated fault)")
            }
            return Self.json(await tenant.hub.issueTokens(user: user))
        }
        router.put("/v1/login") { request, _ -> Response in
            guard let token = Self.bearer(request), let (tenant, _) = await Self.tenant(of: token, .refresh, tenants) else {
                return Response(status: .unauthorized)
            }
            if let status = await tenant.hub.refreshFailure() {
                return Self.error(HTTPResponse.Status(code: status), "refresh failed (simulated fault)")
            }
            await tenant.hub.revoke(token)
            return Self.json(await tenant.hub.issueTokens(user: "refreshed"))
        }
        router.get("/v1/extensions/phone/data") { request, _ -> Response in
            guard let (tenant, _) = await Self.authorized(request, tenants) else { return Response(status: .unauthorized) }
            return Self.json(
                tenant.extensions.map {
                    ExtensionData(uuid: "\($0.number)@\(tenant.customer)", extension_number: $0.number, name: $0.name)
                })
        }
        router.get("/v1/extensions/phone/states") { request, _ -> Response in
            guard let (tenant, expires) = await Self.authorized(request, tenants) else {
                return Response(status: .unauthorized)
            }
            let accept = request.headers[.accept] ?? ""
            if accept.contains("application/json") {
                let wanted = Set(request.uri.queryParameters.getAll("extension").map { String($0) })
                return Self.json(await tenant.hub.snapshot(extensions: wanted))
            }
            return Self.eventStream(await tenant.hub.subscribeStates(expires: expires))
        }
        router.get("/v1/extensions/phone/calls") { request, _ -> Response in
            guard let (tenant, expires) = await Self.authorized(request, tenants) else {
                return Response(status: .unauthorized)
            }
            let accept = request.headers[.accept] ?? ""
            if !accept.isEmpty && !accept.contains("text/event-stream") && !accept.contains("*/*") {
                return Self.error(.notAcceptable, "only text/event-stream is supported")
            }
            return Self.eventStream(await tenant.hub.subscribeCalls(expires: expires))
        }
        router.post("/v1/extensions/phone/calls") { request, context -> Response in
            guard let (tenant, _) = await Self.authorized(request, tenants) else { return Response(status: .unauthorized) }
            guard let call = try? await request.decode(as: OriginateRequest.self, context: context), call.callee != nil
            else { return Self.error(.badRequest, "caller and callee are required") }
            let start = await tenant.hub.originate(call.event, customer: tenant.customer)
            return Self.json(start, status: .accepted)
        }
        router.delete("/v1/extensions/phone/calls/:uuid") { request, context -> Response in
            guard let (tenant, _) = await Self.authorized(request, tenants) else { return Response(status: .unauthorized) }
            let uuid = context.parameters.get("uuid") ?? ""
            return await tenant.hub.cancel(uuid: uuid) ? Response(status: .noContent) : Self.error(.notFound, "no such call")
        }
        addLookupRoutes(router)
        return router
    }

    /// An originate request: a `call` object whose `uuid` and `state` are absent.
    struct OriginateRequest: Decodable {
        var caller: String?
        var caller_context: String?
        var callee: String?
        var callee_context: String?
        var `extension`: String?

        var event: CallEvent {
            CallEvent(
                uuid: "", state: "start", caller: caller, callerContext: caller_context, callee: callee,
                calleeContext: callee_context, extension: `extension`)
        }
    }

    static func bearer(_ request: Request) -> String? {
        guard let h = request.headers[.authorization], h.lowercased().hasPrefix("bearer ") else { return nil }
        return String(h.dropFirst(7)).trimmingCharacters(in: .whitespaces)
    }

    /// The tenant whose valid access token the request carries, and the
    /// token's expiry.
    static func authorized(_ request: Request, _ tenants: [SimulatorTenant]) async -> (SimulatorTenant, ContinuousClock.Instant)?
    {
        guard let token = bearer(request) else { return nil }
        return await tenant(of: token, .access, tenants)
    }

    /// The tenant that issued `token` (each tenant keeps its own tokens).
    static func tenant(
        of token: String, _ kind: SimulatorHub.TokenKind, _ tenants: [SimulatorTenant]
    ) async -> (SimulatorTenant, ContinuousClock.Instant)? {
        for t in tenants {
            if let expires = await t.hub.validate(token, kind: kind) { return (t, expires) }
        }
        return nil
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("null".utf8)
        return Response(
            status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        json(["error": message], status: status)
    }

    static func eventStream(_ stream: AsyncStream<[UInt8]>) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: ResponseBody { writer in
                for await text in stream {
                    try await writer.write(ByteBuffer(bytes: text))
                }
                try await writer.finish(nil)
            })
    }
}
