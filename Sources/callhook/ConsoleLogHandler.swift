import Callhook
import Calls
import Foundation
import Logging

/// Log lines on a terminal that also shows a live status line: each line
/// is printed above the status line instead of through it. Text lines look
/// like swift-log's stream handler's; JSON lines are JSONLogHandler's.
struct ConsoleLogHandler: LogHandler {
    let label: String
    let json: Bool
    let console: Console
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        if json {
            if let data = JSONLogHandler.render(label: label, metadata: metadata, event: event) {
                console.print(String(decoding: data, as: UTF8.self))
            }
            return
        }
        let all = metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 })
        let meta = all.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        console.print("\(WallClock.now().rfc3339()) \(event.level) \(label) :\(meta) \(event.message)")
    }
}
