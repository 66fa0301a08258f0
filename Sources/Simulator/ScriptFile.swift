import Calls
import Foundation

/// A simulator script: one JSON object per line, each an NFON `call` object
/// (it has a `uuid`) or a `state` object. Lines with `updated` keep their
/// spacing in time; lines without follow 200 ms after the previous one.
public enum ScriptFile {
    public struct Invalid: Error, CustomStringConvertible {
        public var path: String
        public var line: Int
        public var message: String
        public var description: String { "\(path):\(line): error: \(message)" }
    }

    public static func load(path: String, customer: String) throws -> [SimulatedEvent] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Invalid(path: path, line: 0, message: "cannot be read")
        }
        return try parse(String(decoding: data, as: UTF8.self), path: path, customer: customer)
    }

    public static func parse(_ text: String, path: String, customer: String) throws -> [SimulatedEvent] {
        var events: [SimulatedEvent] = []
        var first: EventTime?
        var previous: Duration = .zero
        let decoder = JSONDecoder()
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let data = Data(line.utf8)
            guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw Invalid(path: path, line: i + 1, message: "not a JSON object")
            }
            let payload: SimulatedEvent.Payload
            var updated: String?
            if object["uuid"] != nil {
                guard var call = try? decoder.decode(CallEvent.self, from: data) else {
                    throw Invalid(path: path, line: i + 1, message: "a call object needs string fields uuid and state")
                }
                if call.customer == nil { call.customer = customer }
                updated = call.updated
                payload = .call(call)
            } else {
                guard var state = try? decoder.decode(LineStateEvent.self, from: data) else {
                    throw Invalid(path: path, line: i + 1, message: "neither a call object (uuid) nor a state object (extension)")
                }
                if state.customer == nil { state.customer = customer }
                updated = state.updated
                payload = .line(state)
            }
            var at = previous + .milliseconds(200)
            if let u = updated.flatMap({ EventTime(rfc3339: $0) }) {
                if first == nil { first = u }
                at = max(previous, u - first!)
            } else if events.isEmpty {
                at = .zero
            }
            previous = at
            events.append(SimulatedEvent(at: at, payload: payload, callIndex: events.count))
        }
        return events
    }
}
