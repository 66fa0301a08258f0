import Hummingbird

/// Turns `APIAnswer`s into Hummingbird responses, and the answers every
/// protected route shares.
enum RouteAnswer {
    static func response(_ answer: APIAnswer) -> Response {
        Response(
            status: HTTPResponse.Status(code: answer.status),
            headers: [.contentType: answer.contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(string: answer.body)))
    }

    static let unauthorized = APIAnswer.error(401, "missing or wrong token: send Authorization: Bearer TOKEN")

    /// 401 with `WWW-Authenticate: Bearer`.
    static func unauthorizedResponse() -> Response {
        var r = response(unauthorized)
        r.headers[.wwwAuthenticate] = "Bearer"
        return r
    }

    /// Checks `auth`, answers 404 or 401 when it fails, else runs `handler`.
    static func guarded(
        _ request: Request, _ auth: BearerAuth, _ handler: () async -> APIAnswer
    ) async -> Response {
        switch auth.check(authorization: request.headers[.authorization], queryToken: nil) {
        case .notConfigured: return response(.error(404, "not found"))
        case .unauthorized: return unauthorizedResponse()
        case .allowed: return response(await handler())
        }
    }
}
