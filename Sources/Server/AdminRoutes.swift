import Hummingbird

/// The admin endpoints (runtime.md, "Server"): the admin token, then the
/// handler.
enum AdminRoutes {
    static func add(to router: Router<BasicRequestContext>, api: ServerAPI) {
        let auth = api.adminAuth
        let admin = api.admin
        router.get("v1/deliveries") { request, _ in
            await RouteAnswer.guarded(request, auth) { await admin?.deliveries(query: query(request)) ?? notFound }
        }
        router.post("v1/deliveries/retry") { request, _ in
            await RouteAnswer.guarded(request, auth) { await admin?.retryAll(query: query(request)) ?? notFound }
        }
        router.get("v1/deliveries/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await RouteAnswer.guarded(request, auth) { await admin?.delivery(id: id) ?? notFound }
        }
        router.post("v1/deliveries/:id/retry") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await RouteAnswer.guarded(request, auth) { await admin?.retry(id: id) ?? notFound }
        }
        router.post("v1/rules/reload") { request, _ in
            await RouteAnswer.guarded(request, auth) { await admin?.reloadRules() ?? notFound }
        }
        router.get("v1/calls") { request, _ in
            await RouteAnswer.guarded(request, auth) { await admin?.calls() ?? notFound }
        }
    }

    static let notFound = APIAnswer.error(404, "not found")

    /// The query parameters; the last value wins.
    static func query(_ request: Request) -> [String: String] {
        var out: [String: String] = [:]
        for (k, v) in request.uri.queryParameters { out[String(k)] = String(v) }
        return out
    }
}
