import Calls
import Curl
import Lookup
import RuleEngine

/// The pipeline's caller lookup: the service for the rule set's `[lookup]`
/// and the call events parked while their call's lookup runs.
public struct PipelineLookups: Sendable {
    /// A lookup for `runLookups` to run: a call's remote number.
    struct Request: Sendable {
        var callID: String
        var number: LookupNumber
        var service: LookupService
    }

    /// Makes the service for a `[lookup]` (the libcurl client in the daemon,
    /// a closure in tests).
    public typealias Factory = @Sendable (Lookup.LookupSettings) -> LookupService

    let factory: Factory?
    private(set) var service: LookupService?
    /// Services a reload removed (`[lookup]` deleted): their requests still
    /// running are cancelled at shutdown with the current one's.
    private(set) var retired: [LookupService] = []
    /// Events of calls waiting for their lookup, in arrival order, by call id.
    var parked: [String: [(event: CallEvent, arrival: EventTime)]] = [:]
    /// Ingest batches waiting for a call's parked events to be handled.
    var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]
    /// Lookups handed to `Pipeline.runLookups`, in the order calls began;
    /// finished at graceful shutdown, after which no lookup starts.
    let pending: AsyncStream<Request>
    let requests: AsyncStream<Request>.Continuation

    init(factory: Factory?, rules: RuleEngine.LookupSettings?) {
        self.factory = factory
        (pending, requests) = AsyncStream.makeStream(of: Request.self)
        update(rules)
    }

    /// Follows a reload: a changed `[lookup]` clears the cache; a removed
    /// one stops lookups (requests in flight end on their own).
    mutating func update(_ rules: RuleEngine.LookupSettings?) {
        guard let factory, let rules else {
            if let service { retired.append(service) }
            service = nil
            return
        }
        let settings = Self.settings(rules)
        if let service {
            service.update(settings)
        } else {
            service = factory(settings)
        }
    }

    /// The loaded `[lookup]` as the service takes it (`env.` values are
    /// already in the templates).
    public static func settings(_ l: RuleEngine.LookupSettings) -> Lookup.LookupSettings {
        let none = Variables()
        return Lookup.LookupSettings(
            url: l.url.render(none), headers: l.headers.map { (name: $0.0, value: $0.1.render(none)) }, timeout: l.timeout,
            cache: l.cache, numberFormat: NumberFormat(rawValue: l.numberFormat) ?? .digits)
    }

    /// Lookups through `client`.
    public static func using(_ client: HTTPClient) -> Factory {
        { LookupService(settings: $0, client: client) }
    }

    /// What the engine gets from a lookup outcome: the first contact and the count.
    static func party(_ outcome: LookupOutcome) -> PartyLookup? {
        guard case .found(let result) = outcome else { return nil }
        let c = result.contact
        return PartyLookup(
            name: c.name, company: c.company, contactURL: c.contactURL, companyURL: c.companyURL, crmID: c.crmID,
            crmName: c.crmName, custom: c.custom, contacts: result.count)
    }
}
