import Foundation

/// What an API handler answers: a status, a content type and a body. The
/// routes turn it into a response (the handlers live in the Callhook module,
/// which knows the pipeline and the queue; the routes only HTTP).
public struct APIAnswer: Sendable, Equatable {
    public var status: Int
    public var contentType: String
    public var body: String
    /// Events the request handed to the pipeline (ingest metrics).
    public var events: Int

    public init(status: Int, contentType: String = "application/json", body: String, events: Int = 0) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.events = events
    }

    /// A JSON answer; `object` is made of dictionaries, arrays, strings,
    /// numbers, booleans and `NSNull`.
    public static func json(_ status: Int, _ object: Any, events: Int = 0) -> APIAnswer {
        let data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return APIAnswer(status: status, body: String(decoding: data, as: UTF8.self), events: events)
    }

    /// `{"error": message}`.
    public static func error(_ status: Int, _ message: String) -> APIAnswer {
        json(status, ["error": message])
    }
}
