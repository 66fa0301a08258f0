import Calls
import Curl
import Logging
import Metrics
import Synchronization

/// Caller lookup in the peoplefone CONNECTOR protocol: asks the phone lookup
/// service for a number, with a deadline, one shared request per number and
/// a cache.
///
/// - A caller waits at most `timeout` and then gets `.unavailable(.timeout)`;
///   the HTTP request goes on (up to `requestTimeout`) so that a late answer
///   still fills the cache for the next call from that number.
/// - Callers asking for a number that already has a request in flight wait
///   for that request instead of sending another (each with its own deadline).
/// - Found and not-found answers are cached for `cache`; failures are not,
///   so the next call tries again.
///
/// Create one per `[lookup]`; on a reload call `update(_:)`, which clears
/// the cache when the settings changed. Call `shutdown()` when done: it
/// cancels the requests still running and waits for them.
public final class LookupService: Sendable {
    /// Sends one HTTP request; the libcurl client by default, a closure in tests.
    public typealias Fetch = @Sendable (HTTPRequest) async throws -> HTTPResponse
    /// Waits for a duration; `Task.sleep` by default. Used for the caller's deadline.
    public typealias Sleep = @Sendable (Duration) async throws -> Void

    private struct State {
        var settings: LookupSettings
        var cache: LookupCache
        var flights: [String: LookupFlight] = [:]
        /// Bumped by every clear, so a request started before it cannot
        /// fill the cache of the new settings.
        var generation = 0
    }

    private let state: Mutex<State>
    private let fetch: Fetch
    private let sleep: Sleep
    private let clock: PipelineClock
    private let metrics: LookupMetrics
    private let logger: Logger

    /// - Parameters:
    ///   - clock: its monotonic time ages the cache and times requests.
    ///   - metricsFactory: where the metrics go; the global one by default.
    public init(
        settings: LookupSettings, clock: PipelineClock = .system, logger: Logger = Logger(label: "callhook.lookup"),
        metricsFactory: any MetricsFactory = MetricsSystem.factory,
        sleep: @escaping Sleep = { try await Task.sleep(for: $0) }, fetch: @escaping Fetch
    ) {
        state = Mutex(State(settings: settings, cache: Self.cache(for: settings)))
        self.fetch = fetch
        self.sleep = sleep
        self.clock = clock
        self.metrics = LookupMetrics(factory: metricsFactory)
        self.logger = logger
    }

    /// A service that sends its requests through `client`.
    public convenience init(
        settings: LookupSettings, client: HTTPClient, clock: PipelineClock = .system,
        logger: Logger = Logger(label: "callhook.lookup"), metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.init(
            settings: settings, clock: clock, logger: logger, metricsFactory: metricsFactory,
            fetch: { request in try await client.execute(request) })
    }

    public var settings: LookupSettings { state.withLock { $0.settings } }

    /// Numbers in the cache right now (expired ones may still count).
    public var cachedCount: Int { state.withLock { $0.cache.count } }

    /// Callers waiting for the request in flight for `phoneNumber`; 0 when
    /// there is none. Lets tests see that callers joined one request.
    package func waiting(onPhoneNumber phoneNumber: String) -> Int {
        state.withLock { $0.flights[phoneNumber] }?.waiting ?? 0
    }

    /// Takes new settings (a reload). Returns true, and clears the cache,
    /// when they differ from the current ones.
    @discardableResult
    public func update(_ settings: LookupSettings) -> Bool {
        state.withLock { s in
            guard s.settings != settings else { return false }
            s.settings = settings
            s.cache = Self.cache(for: settings)
            s.generation += 1
            return true
        }
    }

    /// Forgets every cached answer; requests in flight will not fill the cache.
    public func clear() {
        state.withLock { s in
            s.cache.removeAll()
            s.generation += 1
        }
    }

    /// Looks up a party, in the form `number_format` names.
    public func lookup(_ number: LookupNumber) async -> LookupOutcome {
        await lookup(phoneNumber: number.formatted(settings.numberFormat))
    }

    /// Looks up `phoneNumber` as it is to be sent (already in `number_format`).
    /// Returns within `timeout` (plus scheduling), whatever the service does.
    public func lookup(phoneNumber: String) async -> LookupOutcome {
        let now = clock.monotonicNanoseconds()
        let step: Step = state.withLock { s in
            if let cached = s.cache.get(phoneNumber, now: now) { return .cached(cached) }
            if let flight = s.flights[phoneNumber] { return .join(flight, s.settings.timeout) }
            let flight = LookupFlight()
            s.flights[phoneNumber] = flight
            return .start(flight, s.settings, s.generation)
        }
        switch step {
        case .cached(let outcome):
            metrics.count(.hit)
            return outcome
        case .join(let flight, let timeout):
            let outcome = await wait(for: flight, timeout: timeout)
            count(outcome, ownRequest: false)
            return outcome
        case .start(let flight, let settings, let generation):
            let waiter = flight.newWaiter()
            flight.attach(
                Task { await self.run(flight, number: phoneNumber, settings: settings, generation: generation) })
            let outcome = await wait(for: flight, waiter: waiter, timeout: settings.timeout)
            count(outcome, ownRequest: true)
            return outcome
        }
    }

    /// Cancels the requests in flight and waits until they have ended;
    /// returns how many there were.
    @discardableResult
    public func shutdown() async -> Int {
        let flights = state.withLock { s in
            defer { s.flights = [:] }
            return Array(s.flights.values)
        }
        for f in flights { f.task?.cancel() }
        for f in flights { await f.task?.value }
        return flights.count
    }

    private enum Step {
        case cached(LookupOutcome)
        case join(LookupFlight, Duration)
        case start(LookupFlight, LookupSettings, Int)
    }

    private func count(_ outcome: LookupOutcome, ownRequest: Bool) {
        switch outcome {
        case .found: metrics.count(ownRequest ? .miss : .hit)
        case .notFound: metrics.count(ownRequest ? .notFound : .hit)
        case .unavailable(.cancelled): break
        case .unavailable(let failure): metrics.count(failure.metricResult)
        }
    }

    private func wait(for flight: LookupFlight, waiter: Int? = nil, timeout: Duration) async -> LookupOutcome {
        let id = waiter ?? flight.newWaiter()
        let sleep = self.sleep
        let first: LookupOutcome? = await withTaskGroup(of: LookupOutcome?.self) { group in
            group.addTask { await flight.wait(id) }
            group.addTask {
                do { try await sleep(timeout) } catch { return nil }
                return .unavailable(.timeout)
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        return first ?? .unavailable(Task.isCancelled ? .cancelled : .timeout)
    }

    /// The shared request: sends it, caches a found or not-found answer,
    /// and hands the outcome to every waiter.
    private func run(_ flight: LookupFlight, number: String, settings: LookupSettings, generation: Int) async {
        let started = clock.monotonicNanoseconds()
        let outcome = await Self.outcome(
            of: Self.request(for: number, settings: settings), maxBytes: settings.maxAnswerBytes, fetch: fetch)
        let ended = clock.monotonicNanoseconds()
        if outcome != .unavailable(.cancelled) { metrics.requestDuration(nanoseconds: ended - started) }
        state.withLock { s in
            if s.flights[number] === flight { s.flights[number] = nil }
            if outcome.isCacheable && s.generation == generation { s.cache.put(number, outcome, now: ended) }
        }
        if case .unavailable(let failure) = outcome, failure != .cancelled {
            logger.warning("caller lookup unavailable", metadata: ["lookup.reason": "\(failure)"])
        }
        flight.finish(outcome)
    }

    private static func cache(for settings: LookupSettings) -> LookupCache {
        let c = settings.cache.components
        return LookupCache(
            capacity: settings.cacheCapacity,
            lifetimeNanoseconds: max(0, c.seconds * 1_000_000_000 + c.attoseconds / 1_000_000_000))
    }
}
