import Feeds

/// Where one NFON account's source delivers: its connection state and
/// errors are counted under its own name (`source="nfon:K1234"`), its
/// events go on to the shared pipeline. The pipeline never waits on a
/// source, so one account's login failures, outage or silence hold up only
/// that account's own tasks.
struct AccountSink: EventSink {
    let pipeline: Pipeline
    let metrics: SourceMetrics

    init(name: String, pipeline: Pipeline) {
        self.pipeline = pipeline
        self.metrics = SourceMetrics(source: name)
    }

    func receive(_ event: SourceEvent) async {
        switch event {
        case .connected(let up):
            metrics.connection(up: up)
            if !up { pipeline.stats.reconnectsCount.add(1, ordering: .relaxed) }
        case .error(let kind):
            metrics.error(kind: kind)
            pipeline.stats.sourceErrorsCount.add(1, ordering: .relaxed)
        case .call, .line, .directory, .reconcile:
            await pipeline.receive(event)
        }
    }
}
