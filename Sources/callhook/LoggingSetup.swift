import Callhook
import Calls
import Foundation
import Logging
import Synchronization

/// Installs the process's log handler once: text or JSON lines on stderr.
enum LoggingSetup {
    enum Format { case text, json }

    private static let done = Mutex(false)

    /// With `console`, log lines go through it, above its live status line.
    static func bootstrap(format: Format, level: Logger.Level, console: Console? = nil) {
        let first = done.withLock { d in
            defer { d = true }
            return !d
        }
        guard first else { return }
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler
            if let console {
                handler = ConsoleLogHandler(label: label, json: format == .json, console: console)
            } else if format == .json {
                handler = JSONLogHandler(label: label)
            } else {
                handler = StreamLogHandler.standardError(label: label)
            }
            handler.logLevel = level
            return handler
        }
    }
}

/// One JSON object per line on stderr: `ts`, `level`, `label`, `message`,
/// and the metadata as string fields.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        if let data = Self.render(label: label, metadata: metadata, event: event) {
            FileHandle.standardError.write(data + Data("\n".utf8))
        }
    }

    static func render(label: String, metadata: Logger.Metadata, event: LogEvent) -> Data? {
        var object: [String: String] = [
            "ts": WallClock.now().rfc3339(), "level": event.level.rawValue, "label": label, "message": "\(event.message)",
        ]
        for (k, v) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) { object[k] = "\(v)" }
        return try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    }
}
