import Calls

/// Generates realistic call traffic for one tenant: a timeline of NFON
/// `call` and `state` events, the same for the same seed.
///
/// Pure and lazy: `next()` returns events in time order, generating calls
/// only as far ahead as needed, so an endless run uses bounded memory.
public struct TrafficGenerator: Sendable {
    public struct Options: Sendable {
        public var seed: UInt64 = 1
        public var extensions: Int = 20
        /// New calls per simulated second.
        public var rate: Double = 1
        /// Stop after this many calls (nil: never).
        public var calls: Int?
        public var customer: String = "K1234"

        public init() {}
    }

    /// Numbers of the example VIP list (`Rules/vip-numbers.txt`), as NFON
    /// sends global numbers: without `+` or `00`.
    public static let vipNumbers = ["49891234567", "41443456789", "4930901820", "4930123456"]

    public let options: Options
    public let extensions: [SimulatedExtension]
    private var rng: SeededRandom
    private let population: [String]
    private var heap = EventHeap()
    private var nextCallStart: Duration = .zero
    private var generated = 0
    private var busyUntil: [Duration]

    public init(options: Options) {
        self.options = options
        var rng = SeededRandom(seed: options.seed)
        let count = max(2, options.extensions)
        var names = Set<String>()
        var exts: [SimulatedExtension] = []
        for i in 0..<count {
            var name: String
            repeat {
                name = Self.firstNames.randomElement(using: &rng)! + " " + Self.lastNames.randomElement(using: &rng)!
            } while names.contains(name) && names.count < Self.firstNames.count * Self.lastNames.count
            names.insert(name)
            exts.append(SimulatedExtension(number: String(100 + i), name: name))
        }
        var population: [String] = []
        let areas = ["4989", "4930", "4940", "4969", "49221", "49211", "41445", "43157", "49711"]
        for _ in 0..<200 {
            let area = areas.randomElement(using: &rng)!
            let rest = (0..<(11 - area.count + 1)).map { _ in String(Int.random(in: 0...9, using: &rng)) }.joined()
            population.append(area + rest)
        }
        self.rng = rng
        self.population = population
        self.extensions = exts
        self.busyUntil = Array(repeating: .zero, count: exts.count)
        self.nextCallStart = .seconds(rngSafeInterval(&self.rng, rate: options.rate))
    }

    /// The initial line state and presence of every extension (the snapshot
    /// a states stream sends on connect).
    public func initialStates() -> [LineStateEvent] {
        extensions.enumerated().map { i, e in
            LineStateEvent(
                customer: options.customer, extension: e.number, line: "idle",
                presence: i % 7 == 3 ? "away" : (i % 11 == 5 ? "dnd" : "available"))
        }
    }

    /// The next event in time order, or nil when `calls` calls are done.
    public mutating func next() -> SimulatedEvent? {
        while let limit = Optional(options.calls ?? Int.max), generated < limit,
            heap.peek.map({ $0.at >= nextCallStart }) ?? true
        {
            generateCall(at: nextCallStart)
            generated += 1
            nextCallStart += .seconds(rngSafeInterval(&rng, rate: options.rate))
        }
        return heap.pop()
    }

    // MARK: - Calls

    private mutating func generateCall(at start: Duration) {
        let index = generated
        let roll = rng.unit()
        if roll < 0.55 {
            inbound(at: start, index: index)
        } else if roll < 0.85 {
            outbound(at: start, index: index)
        } else {
            internalCall(at: start, index: index)
        }
        if rng.unit() < 0.05 { presenceChange(at: start + .milliseconds(500), index: index) }
    }

    private mutating func pickExtension(at t: Duration) -> Int {
        let free = busyUntil.indices.filter { busyUntil[$0] <= t }
        if let f = free.randomElement(using: &rng) { return f }
        return Int.random(in: 0..<extensions.count, using: &rng)
    }

    private mutating func remoteNumber() -> String {
        let r = rng.unit()
        if r < 0.12 { return Self.vipNumbers.randomElement(using: &rng)! }
        if r < 0.15 { return "anonymous" }
        return population.randomElement(using: &rng)!
    }

    private mutating func inbound(at t0: Duration, index: Int) {
        let e = pickExtension(at: t0)
        let ext = extensions[e].number
        let caller = remoteNumber()
        let uuid = rng.uuid()
        let busy = busyUntil[e] > t0
        let ring = seconds(rng.logNormal(median: 6, sigma: 0.5), 1, 25)
        let outcome = rng.unit()
        func ev(_ state: String, _ at: Duration, error: String? = nil) {
            push(
                at, index,
                .call(
                    CallEvent(
                        uuid: uuid, state: state, caller: caller, callerContext: "global", callee: ext,
                        calleeContext: options.customer, direction: .inbound, extension: ext, customer: options.customer,
                        error: error)))
        }
        ev("ring", t0)
        if busy || outcome < 0.06 {
            ev("hangup", t0 + seconds(0.5 + rng.unit(), 0.5, 2), error: "busy")
            return
        }
        line(ext, "ringing", at: t0, index: index)
        if outcome < 0.70 {
            let answered = t0 + ring
            let talk = seconds(rng.logNormal(median: 90, sigma: 1.0), 5, 3600)
            ev("answer", answered)
            ev("hangup", answered + talk)
            line(ext, "in-use", at: answered, index: index)
            line(ext, "idle", at: answered + talk, index: index)
            busyUntil[e] = answered + talk
        } else if outcome < 0.90 {
            let timedOut = rng.unit() < 0.5
            let end = t0 + (timedOut ? .seconds(30) : ring)
            ev("hangup", end, error: timedOut ? "timeout" : nil)
            line(ext, "idle", at: end, index: index)
        } else {
            let end = t0 + seconds(2 + rng.unit() * 6, 1, 10)
            ev("hangup", end, error: "reject")
            line(ext, "idle", at: end, index: index)
        }
    }

    private mutating func outbound(at t0: Duration, index: Int) {
        let e = pickExtension(at: t0)
        let ext = extensions[e].number
        var callee = remoteNumber()
        if callee == "anonymous" { callee = population.randomElement(using: &rng)! }
        let uuid = rng.uuid()
        func ev(_ state: String, _ at: Duration, error: String? = nil) {
            push(
                at, index,
                .call(
                    CallEvent(
                        uuid: uuid, state: state, caller: ext, callerContext: options.customer, callee: callee,
                        calleeContext: "global", direction: .outbound, extension: ext, customer: options.customer,
                        error: error)))
        }
        let ringAt = t0 + seconds(1 + rng.unit(), 1, 2)
        let ring = seconds(rng.logNormal(median: 8, sigma: 0.5), 1, 40)
        ev("dial", t0)
        line(ext, "in-use", at: t0, index: index)
        let outcome = rng.unit()
        if outcome < 0.08 {
            ev("hangup", ringAt, error: "busy")
            line(ext, "idle", at: ringAt, index: index)
            return
        }
        ev("ring", ringAt)
        let end: Duration
        if outcome < 0.68 {
            let answered = ringAt + ring
            let talk = seconds(rng.logNormal(median: 120, sigma: 1.0), 5, 3600)
            ev("answer", answered)
            end = answered + talk
            ev("hangup", end)
        } else if outcome < 0.88 {
            end = ringAt + ring
            ev("hangup", end, error: "cancel")
        } else if outcome < 0.95 {
            end = ringAt + seconds(3, 1, 5)
            ev("hangup", end, error: "reject")
        } else {
            end = ringAt + .milliseconds(300)
            ev("hangup", end, error: "unspecified")
        }
        line(ext, "idle", at: end, index: index)
        busyUntil[e] = end
    }

    private mutating func internalCall(at t0: Duration, index: Int) {
        let a = pickExtension(at: t0)
        var b = Int.random(in: 0..<extensions.count, using: &rng)
        if b == a { b = (b + 1) % extensions.count }
        let from = extensions[a].number
        let to = extensions[b].number
        let uuid = rng.uuid()
        let c = options.customer
        func leg(_ ext: String, _ dir: Direction, _ state: String, _ at: Duration, error: String? = nil) {
            push(
                at, index,
                .call(
                    CallEvent(
                        uuid: uuid, state: state, caller: from, callerContext: c, callee: to, calleeContext: c,
                        direction: dir, extension: ext, customer: c, error: error)))
        }
        let ringAt = t0 + .milliseconds(200)
        leg(from, .outbound, "dial", t0)
        leg(to, .inbound, "ring", ringAt)
        leg(from, .outbound, "ring", ringAt)
        line(from, "in-use", at: t0, index: index)
        line(to, "ringing", at: ringAt, index: index)
        let end: Duration
        if rng.unit() < 0.8 {
            let answered = ringAt + seconds(rng.logNormal(median: 4, sigma: 0.4), 1, 20)
            end = answered + seconds(rng.logNormal(median: 60, sigma: 0.9), 5, 1800)
            leg(to, .inbound, "answer", answered)
            leg(from, .outbound, "answer", answered)
            line(to, "in-use", at: answered, index: index)
            leg(to, .inbound, "hangup", end)
            leg(from, .outbound, "hangup", end)
        } else {
            end = ringAt + .seconds(30)
            leg(to, .inbound, "hangup", end, error: "timeout")
            leg(from, .outbound, "hangup", end, error: "timeout")
        }
        line(from, "idle", at: end, index: index)
        line(to, "idle", at: end, index: index)
        busyUntil[a] = end
        busyUntil[b] = max(busyUntil[b], end)
    }

    private mutating func presenceChange(at t: Duration, index: Int) {
        let e = Int.random(in: 0..<extensions.count, using: &rng)
        let presence = ["available", "away", "busy", "dnd"].randomElement(using: &rng)!
        push(t, index, .line(LineStateEvent(customer: options.customer, extension: extensions[e].number, presence: presence)))
    }

    private mutating func line(_ ext: String, _ state: String, at t: Duration, index: Int) {
        push(t, index, .line(LineStateEvent(customer: options.customer, extension: ext, line: state)))
    }

    private mutating func push(_ at: Duration, _ index: Int, _ payload: SimulatedEvent.Payload) {
        heap.push(SimulatedEvent(at: at, payload: payload, callIndex: index))
    }

    private func seconds(_ v: Double, _ lo: Double, _ hi: Double) -> Duration {
        .nanoseconds(Int64(min(hi, max(lo, v)) * 1e9))
    }

    static let firstNames = [
        "Anna", "Ben", "Clara", "David", "Elena", "Felix", "Greta", "Hannes", "Ida", "Jonas", "Katrin", "Lukas", "Mia",
        "Noah", "Olga", "Paul", "Rita", "Simon", "Tina", "Uwe",
    ]
    static let lastNames = [
        "Bauer", "Fischer", "Hoffmann", "Keller", "Lang", "Meier", "Neumann", "Schmid", "Vogel", "Wagner", "Weber",
        "Zimmermann",
    ]
}

private func rngSafeInterval(_ rng: inout SeededRandom, rate: Double) -> Double {
    guard rate > 0 else { return 1 }
    return rng.exponential(mean: 1 / rate)
}

/// A binary min-heap of events by time, ties broken by insertion order so
/// the timeline is deterministic.
struct EventHeap: Sendable {
    private var items: [(SimulatedEvent, Int)] = []
    private var counter = 0

    var peek: SimulatedEvent? { items.first?.0 }

    mutating func push(_ e: SimulatedEvent) {
        items.append((e, counter))
        counter += 1
        var i = items.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            guard less(items[i], items[p]) else { break }
            items.swapAt(i, p)
            i = p
        }
    }

    mutating func pop() -> SimulatedEvent? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast().0
        var i = 0
        while true {
            let l = 2 * i + 1
            let r = l + 1
            var m = i
            if l < items.count && less(items[l], items[m]) { m = l }
            if r < items.count && less(items[r], items[m]) { m = r }
            if m == i { break }
            items.swapAt(i, m)
            i = m
        }
        return top
    }

    private func less(_ a: (SimulatedEvent, Int), _ b: (SimulatedEvent, Int)) -> Bool {
        a.0.at < b.0.at || (a.0.at == b.0.at && a.1 < b.1)
    }
}
