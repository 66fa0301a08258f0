/// The `[lookup]` table of the rules, resolved: templates already rendered
/// (`{{env.LOOKUP_TOKEN}}` is a value here). The rule loader's own
/// representation is mapped to this by the wiring.
public struct LookupSettings: Sendable, Equatable {
    /// The phone lookup service; `PhoneNumber=` is appended to its query.
    public var url: String
    /// Sent with every request (e.g. `X-Execution-Token`), in this order.
    public var headers: [(name: String, value: String)]
    /// How long a caller waits for an answer at most.
    public var timeout: Duration
    /// How long found and not-found answers are kept.
    public var cache: Duration
    /// Which form of the number `PhoneNumber` carries.
    public var numberFormat: NumberFormat
    /// How long the HTTP request itself may run. A request that outlives
    /// `timeout` keeps running so that its answer fills the cache for the
    /// next call; by default it runs up to 5 s or `timeout`, whichever is longer.
    public var requestTimeout: Duration?
    /// At most this many numbers are cached; beyond it the oldest answer goes.
    public var cacheCapacity: Int
    /// Answers longer than this are an error.
    public var maxAnswerBytes: Int

    public init(
        url: String, headers: [(name: String, value: String)] = [], timeout: Duration = .milliseconds(800),
        cache: Duration = .seconds(600), numberFormat: NumberFormat = .digits, requestTimeout: Duration? = nil,
        cacheCapacity: Int = 10_000, maxAnswerBytes: Int = Contact.maxAnswerBytes
    ) {
        self.url = url
        self.headers = headers
        self.timeout = timeout
        self.cache = cache
        self.numberFormat = numberFormat
        self.requestTimeout = requestTimeout
        self.cacheCapacity = cacheCapacity
        self.maxAnswerBytes = maxAnswerBytes
    }

    /// The limit given to the HTTP request.
    var effectiveRequestTimeout: Duration { requestTimeout ?? max(timeout, .seconds(5)) }

    public static func == (a: LookupSettings, b: LookupSettings) -> Bool {
        a.url == b.url && a.headers.map(\.name) == b.headers.map(\.name)
            && a.headers.map(\.value) == b.headers.map(\.value) && a.timeout == b.timeout && a.cache == b.cache
            && a.numberFormat == b.numberFormat && a.requestTimeout == b.requestTimeout
            && a.cacheCapacity == b.cacheCapacity && a.maxAnswerBytes == b.maxAnswerBytes
    }
}

/// `number_format`: the form of the number sent as `PhoneNumber`.
public enum NumberFormat: String, Sendable, CaseIterable {
    /// Digits only, with the country code: `4178907228` (the seed's example).
    case digits
    /// E.164: `+4178907228` (sent URL-encoded as `%2B4178907228`).
    case e164
    /// The national form: `078907228`.
    case national
}

/// The forms of one party's number; the service picks the one its
/// `number_format` names. The number forms are computed by the caller (the
/// engine's phone number type), so this module needs no numbering plan.
public struct LookupNumber: Sendable, Hashable {
    public var e164: String
    public var digits: String
    public var national: String

    public init(e164: String, digits: String, national: String) {
        self.e164 = e164
        self.digits = digits
        self.national = national
    }

    public func formatted(_ format: NumberFormat) -> String {
        switch format {
        case .digits: digits
        case .e164: e164
        case .national: national
        }
    }
}
