import Foundation
import RuleEngine

/// `delivery.late_bound`: a request's `call.vars` slots as JSON —
/// `{"url": [piece], "headers": [[piece]], "body": [piece] | null}`, a piece
/// being `{"text": "…"}` or `{"var": "NAME", "escaping": "CALLHOOK_URL"}`.
/// NULL when the request has none (and in rows written before v2).
extension SQLiteDeliveryStore {
    private struct StoredPiece: Codable {
        var text: String?
        var `var`: String?
        var escaping: String?
    }

    private struct StoredRequest: Codable {
        var url: [StoredPiece]
        var headers: [[StoredPiece]]
        var body: [StoredPiece]?
    }

    static func encodeLateBound(_ r: LateBoundRequest?) -> Data? {
        guard let r else { return nil }
        func pieces(_ t: LateBoundText) -> [StoredPiece] {
            t.pieces.map {
                switch $0 {
                case .literal(let text): StoredPiece(text: text)
                case .variable(let name, let escaping): StoredPiece(var: name, escaping: escaping.rawValue)
                }
            }
        }
        let stored = StoredRequest(url: pieces(r.url), headers: r.headerValues.map(pieces), body: r.body.map(pieces))
        return try? JSONEncoder().encode(stored)
    }

    /// Nil for NULL or for JSON this version cannot read (the row then
    /// goes out as stored).
    static func decodeLateBound(_ data: Data?) -> LateBoundRequest? {
        guard let data, let stored = try? JSONDecoder().decode(StoredRequest.self, from: data) else { return nil }
        func text(_ pieces: [StoredPiece]) -> LateBoundText {
            LateBoundText(
                pieces.map { p in
                    if let name = p.var {
                        return .variable(name: name, escaping: p.escaping.flatMap(Escaping.init(rawValue:)) ?? .none)
                    }
                    return .literal(p.text ?? "")
                })
        }
        return LateBoundRequest(url: text(stored.url), headerValues: stored.headers.map(text), body: stored.body.map(text))
    }
}
