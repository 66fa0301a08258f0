import Metrics
import Synchronization

/// The source metrics of runtime.md for one source, labelled with its name
/// (`source="nfon:K1234"`): connected, reconnects, errors by kind.
final class SourceMetrics: Sendable {
    let source: String
    private let connected: Gauge
    private let reconnects: Counter
    private let errors = Mutex<[String: Counter]>([:])

    init(source: String) {
        self.source = source
        connected = Gauge(label: "callhook_source_connected", dimensions: [("source", source)])
        reconnects = Counter(label: "callhook_source_reconnects_total", dimensions: [("source", source)])
        connected.record(0)
    }

    /// `up`: the calls stream connected; `false` comes before each
    /// reconnect and counts one.
    func connection(up: Bool) {
        connected.record(up ? 1 : 0)
        if !up { reconnects.increment() }
    }

    func error(kind: String) {
        let counter = errors.withLock { errors in
            if let c = errors[kind] { return c }
            let c = Counter(label: "callhook_source_errors_total", dimensions: [("source", source), ("kind", kind)])
            errors[kind] = c
            return c
        }
        counter.increment()
    }
}
