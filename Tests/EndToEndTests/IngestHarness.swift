import Curl
import Foundation
import TestSupport
import Testing

/// Tokens and a `callhook.toml` for the ingest and admin tests.
enum IngestSetup {
    static let ingestToken = "ingest-7f3a9c1e5b2d4f60"
    static let adminToken = "admin-2b8e6d4c0a9f1e37"

    static func config(tokens: Bool = true, publicURL: String? = "https://callhook.example.com") -> String {
        var text = """
            rules = "rules"
            data = "data"

            [server]

            """
        if tokens { text += "ingest_token = \"\(ingestToken)\"\nadmin_token = \"\(adminToken)\"\n" }
        if let publicURL { text += "public_url = \"\(publicURL)\"\n" }
        return text
    }

    /// A rule per phase to `base`, each body naming its event and call.
    static func rules(sink base: String, phases: [String] = ["incoming", "answered", "ended", "missed"]) -> String {
        var text = """
            [target.sink]
            url = "\(base)"
            headers = { Authorization = "Bearer sink-secret-value" }

            """
        for p in phases {
            text += """

                [[rule]]
                name = "on-\(p)"
                on = ["\(p)"]
                [[rule.webhook]]
                target = "sink"
                path = "/\(p)"
                json = { event = "{{event}}", call = "{{call.id}}" }

                """
        }
        return text
    }
}

/// A request to the daemon's server.
func httpCall(
    _ port: Int, _ method: String, _ path: String, token: String? = nil, contentType: String? = nil, body: [UInt8]? = nil
) async throws -> HTTPResponse {
    var headers: [(name: String, value: String)] = []
    if let token { headers.append(("Authorization", "Bearer \(token)")) }
    if let contentType { headers.append(("Content-Type", contentType)) }
    let client = HTTPClient()
    defer { client.shutdown() }
    return try await client.execute(
        HTTPRequest(
            method: method, url: "http://127.0.0.1:\(port)\(path)", headers: headers, body: body ?? (method == "POST" ? [] : nil),
            timeout: .seconds(60)))
}

/// POST /v1/events with the ingest token.
func ingest(_ port: Int, _ body: String, contentType: String? = "application/json") async throws -> HTTPResponse {
    try await httpCall(
        port, "POST", "/v1/events", token: IngestSetup.ingestToken, contentType: contentType, body: Array(body.utf8))
}

/// The response body as a JSON object.
func jsonObject(_ r: HTTPResponse) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any]) ?? [:]
}
