import Calls
import Foundation

extension IngestDecoder {
    /// One decoded object as a call or line-state event, with the checks the
    /// tracker relies on.
    static func event(_ o: [String: Any], at location: IngestError.Location) throws(IngestError) -> IngestEvent {
        let fields = IngestObject(object: o, location: location)
        if fields.present("uuid") || fields.present("state") {
            return .call(try fields.call())
        }
        if fields.present("extension") && (fields.present("line") || fields.present("presence")) {
            return .line(try fields.line())
        }
        if fields.present("extension") {
            throw IngestError(
                at: location, field: "uuid",
                "missing (a call object needs \"uuid\" and \"state\", a line-state object \"line\" or \"presence\")")
        }
        throw IngestError(at: location, field: "uuid", "missing")
    }
}

/// Reads typed fields of one JSON object, throwing errors that name the field.
struct IngestObject {
    let object: [String: Any]
    let location: IngestError.Location

    func present(_ key: String) -> Bool {
        guard let v = object[key] else { return false }
        return !(v is NSNull)
    }

    func optionalString(_ key: String) throws(IngestError) -> String? {
        guard let v = object[key], !(v is NSNull) else { return nil }
        guard let s = v as? String else { throw IngestError(at: location, field: key, "expected a string") }
        return s
    }

    func requiredString(_ key: String) throws(IngestError) -> String {
        guard let s = try optionalString(key) else { throw IngestError(at: location, field: key, "missing") }
        guard !s.isEmpty else { throw IngestError(at: location, field: key, "must not be empty") }
        return s
    }

    func time(_ key: String) throws(IngestError) -> String? {
        guard let s = try optionalString(key) else { return nil }
        guard EventTime(rfc3339: s) != nil else {
            throw IngestError(
                at: location, field: key, "expected an RFC 3339 time such as 2025-09-23T16:51:22.954969226+02:00")
        }
        return s
    }

    func call() throws(IngestError) -> CallEvent {
        let uuid = try requiredString("uuid")
        let state = try requiredString("state")
        var direction: Direction?
        if let d = try optionalString("direction") {
            guard let parsed = Direction(rawValue: d) else {
                throw IngestError(at: location, field: "direction", "expected \"inbound\" or \"outbound\"")
            }
            direction = parsed
        }
        return CallEvent(
            uuid: uuid, state: state, caller: try optionalString("caller"),
            callerContext: try optionalString("caller_context"), callee: try optionalString("callee"),
            calleeContext: try optionalString("callee_context"), direction: direction,
            extension: try optionalString("extension"), customer: try optionalString("customer"),
            updated: try time("updated"), error: try optionalString("error"),
            callerName: try optionalString("caller_name"), calleeName: try optionalString("callee_name"))
    }

    func line() throws(IngestError) -> LineStateEvent {
        LineStateEvent(
            customer: try optionalString("customer"), extension: try requiredString("extension"),
            line: try optionalString("line"), presence: try optionalString("presence"), updated: try time("updated"))
    }
}
