/// The admin endpoints; the token has been checked.
public protocol AdminAPI: Sendable {
    /// `GET /v1/deliveries?status=&target=&call=&limit=&cursor=`.
    func deliveries(query: [String: String]) async -> APIAnswer
    /// `GET /v1/deliveries/{id}`.
    func delivery(id: String) async -> APIAnswer
    /// `POST /v1/deliveries/{id}/retry`.
    func retry(id: String) async -> APIAnswer
    /// `POST /v1/deliveries/retry?status=dead[&target=]`.
    func retryAll(query: [String: String]) async -> APIAnswer
    /// `POST /v1/rules/reload`.
    func reloadRules() async -> APIAnswer
    /// `GET /v1/calls`.
    func calls() async -> APIAnswer
}
