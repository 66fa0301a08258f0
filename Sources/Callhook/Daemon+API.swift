import Calls
import Delivery
import Server

extension Daemon {
    /// The ingest and admin endpoints, each only with its token configured.
    func makeServerAPI(
        pipeline: Pipeline, store: any DeliveryStore, dispatcher: Dispatcher, reloader: RuleReloader, activeCalls: ActiveCalls,
        masker: SecretMasker, clock: PipelineClock
    ) -> ServerAPI {
        let ingest = IngestHandler(
            pipeline: pipeline, customer: config.ingestCustomer, publicURL: config.publicURL, logger: logger, clock: clock)
        let admin = AdminHandler(
            store: store, dispatcher: dispatcher, pipeline: pipeline, reloader: reloader, activeCalls: activeCalls,
            masker: masker,
            clock: clock)
        return ServerAPI(ingest: ingest, ingestToken: config.ingestToken, admin: admin, adminToken: config.adminToken)
    }
}
