import Calls
import Foundation

/// The simulator's shared state: issued tokens, connected stream clients,
/// extension line states, and events waiting to be published.
actor SimulatorHub {
    enum TokenKind: Sendable { case access, refresh }

    struct Subscriber {
        var continuation: AsyncStream<[UInt8]>.Continuation
        var expires: ContinuousClock.Instant
        var lastWrite: ContinuousClock.Instant
        /// 1 for the first calls stream after start.
        var index = 0
        /// Call events sent on this stream.
        var sent = 0
        /// Gone silent (a fault): sends nothing more.
        var silent = false
    }

    let options: SimulatorOptions
    private var tokens: [String: (kind: TokenKind, user: String, expires: ContinuousClock.Instant)] = [:]
    private var callSubscribers: [UUID: Subscriber] = [:]
    private var stateSubscribers: [UUID: Subscriber] = [:]
    private(set) var lineStates: [String: LineStateEvent] = [:]
    /// Yields once, when the first calls-stream client connects.
    private let firstSubscriber = AsyncStream<Void>.makeStream()
    private var hadSubscriber = false
    /// Stream clients disconnected because they fell `subscriberBuffer`
    /// events behind.
    private(set) var slowSubscribersDropped = 0
    private var tokenCounter = 0
    /// Events of originated calls, due at an instant.
    private var pending: [(due: ContinuousClock.Instant, payload: SimulatedEvent.Payload)] = []
    /// Originated calls not yet answered or ended, by uuid.
    private var originated: [String: CallEvent] = [:]
    private(set) var published = 0
    private var callConnections = 0
    private var loginFailuresLeft: Int
    /// When the login-failure window started.
    private var loginWindowStart: ContinuousClock.Instant?
    /// Hang-ups still to be sent while no calls stream is connected (a fault).
    private var hangupDropsLeft: Int
    /// Line states as the calls sent make them (for the JSON snapshot).
    var lines = SimulatedLines()
    private var faultRandom = SeededRandom(seed: 7)

    let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    init(options: SimulatorOptions, initialStates: [LineStateEvent]) {
        self.options = options
        loginFailuresLeft = options.faults.loginFailures
        hangupDropsLeft = options.faults.dropStreamAtHangup
        for s in initialStates { lineStates[s.extension] = s }
    }

    // MARK: Tokens

    func issueTokens(user: String) -> [String: String] {
        let now = ContinuousClock.now
        let access = makeJWT(user: user, kind: "access", ttl: options.tokenTTL)
        let refresh = makeJWT(user: user, kind: "refresh", ttl: options.refreshTTL)
        tokens[access] = (.access, user, now + options.tokenTTL)
        tokens[refresh] = (.refresh, user, now + options.refreshTTL)
        return ["access-token": access, "refresh-token": refresh]
    }

    /// The token's expiry if it is a valid token of that kind.
    func validate(_ token: String, kind: TokenKind) -> ContinuousClock.Instant? {
        guard let t = tokens[token], t.kind == kind, t.expires > .now else { return nil }
        return t.expires
    }

    func revoke(_ token: String) { tokens[token] = nil }

    /// Tokens issued and not yet expired or revoked.
    var tokenCount: Int { tokens.count }

    /// Forgets expired tokens, so that a client that logs in again and
    /// again does not grow the table without bound.
    private func pruneTokens(now: ContinuousClock.Instant) {
        tokens = tokens.filter { $0.value.expires > now }
    }

    /// The status a login must fail with (a fault), if any.
    func takeLoginFailure() -> Int? {
        if loginWindowStart == nil && options.faults.loginFailureAfter == nil { loginWindowStart = .now }
        if let status = refreshFailure() { return status }
        guard loginFailuresLeft > 0 else { return nil }
        loginFailuresLeft -= 1
        return options.faults.loginStatus
    }

    /// The status a refresh must fail with: inside the login-failure
    /// window, which starts at the first login attempt (or after
    /// `loginFailureAfter` call events).
    func refreshFailure() -> Int? {
        guard let window = options.faults.loginFailureWindow, let start = loginWindowStart,
            ContinuousClock.now - start < window
        else { return nil }
        return options.faults.loginStatus
    }

    /// Starts the login-failure window now: every token is revoked and
    /// every stream closed, as when an account's session is withdrawn.
    private func withdrawSession() {
        loginWindowStart = .now
        tokens.removeAll()
        closeAll()
    }

    private func makeJWT(user: String, kind: String, ttl: Duration) -> String {
        tokenCounter += 1
        let exp = WallClock.now().epochSeconds + ttl.components.seconds
        let header = #"{"alg":"HS256","typ":"JWT"}"#
        let payload = #"{"sub":"\#(user)","typ":"\#(kind)","exp":\#(exp),"jti":"\#(tokenCounter)-\#(UUID().uuidString)"}"#
        func b64(_ s: String) -> String {
            Data(s.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
        return b64(header) + "." + b64(payload) + "." + b64(UUID().uuidString)
    }

    // MARK: Streams

    func subscribeCalls(expires: ContinuousClock.Instant) -> AsyncStream<[UInt8]> {
        let (stream, continuation) = AsyncStream<[UInt8]>.makeStream(
            bufferingPolicy: .bufferingOldest(max(options.subscriberBuffer, 1)))
        let id = UUID()
        callConnections += 1
        callSubscribers[id] = Subscriber(continuation: continuation, expires: expires, lastWrite: .now, index: callConnections)
        if !hadSubscriber {
            hadSubscriber = true
            firstSubscriber.continuation.yield()
            firstSubscriber.continuation.finish()
        }
        return stream
    }

    func subscribeStates(expires: ContinuousClock.Instant) -> AsyncStream<[UInt8]> {
        // Room for the snapshot as well as for the changes behind it.
        let (stream, continuation) = AsyncStream<[UInt8]>.makeStream(
            bufferingPolicy: .bufferingOldest(lineStates.count + max(options.subscriberBuffer, 1)))
        // The snapshot first, then changes.
        for s in lineStates.values.sorted(by: { $0.extension < $1.extension }) {
            continuation.yield(Array(sse(s).utf8))
        }
        let id = UUID()
        stateSubscribers[id] = Subscriber(continuation: continuation, expires: expires, lastWrite: .now)
        return stream
    }

    /// Sends to every subscriber, forgetting those whose client went away
    /// or fell too far behind.
    private func broadcast(_ text: String, to subscribers: inout [UUID: Subscriber]) {
        let now = ContinuousClock.now
        let bytes = Array(text.utf8)
        for id in Array(subscribers.keys) where !subscribers[id]!.silent {
            if deliver(bytes, to: subscribers[id]!) {
                subscribers[id]!.lastWrite = now
            } else {
                subscribers[id] = nil
            }
        }
    }

    /// Queues `bytes` for one client; false when the client is gone. A
    /// client whose buffer is full is disconnected after what it already
    /// has: its stream ends without a gap, and it reconnects.
    private func deliver(_ bytes: [UInt8], to subscriber: Subscriber) -> Bool {
        switch subscriber.continuation.yield(bytes) {
        case .enqueued: return true
        case .terminated: return false
        case .dropped:
            slowSubscribersDropped += 1
            subscriber.continuation.finish()
            return false
        @unknown default: return false
        }
    }

    /// Sends one call event to every calls stream, with the configured faults.
    private func sendCall(_ text: String) {
        let now = ContinuousClock.now
        let faults = options.faults
        for id in Array(callSubscribers.keys) {
            var s = callSubscribers[id]!
            if s.silent { continue }
            var bytes = s.index == 1 ? faults.injection(sent: s.sent, random: &faultRandom) : []
            bytes += Array(text.utf8)
            guard deliver(bytes, to: s) else {
                callSubscribers[id] = nil
                continue
            }
            s.sent += 1
            s.lastWrite = now
            if s.index == 1, let n = faults.silentAfter, s.sent >= n { s.silent = true }
            if let n = faults.dropEvery, s.sent >= n {
                s.continuation.finish()
                callSubscribers[id] = nil
                continue
            }
            callSubscribers[id] = s
        }
    }

    var callSubscriberCount: Int { callSubscribers.count }

    /// Returns once a client has connected to the calls stream, or when
    /// the waiting task is cancelled (shutdown with no client).
    nonisolated func waitForFirstSubscriber() async {
        for await _ in firstSubscriber.stream { return }
    }

    // MARK: Publishing

    func publish(_ payload: SimulatedEvent.Payload) {
        let now = WallClock.now().rfc3339()
        switch payload {
        case .call(var call):
            call.updated = now
            published += 1
            lines.apply(call)
            if hangupDropsLeft > 0, ["hangup", "end"].contains(call.state.lowercased()) {
                // The fault: every calls stream drops just before this hang-up,
                // so no client gets it (NFON does not replay).
                hangupDropsLeft -= 1
                for s in callSubscribers.values { s.continuation.finish() }
                callSubscribers.removeAll()
            }
            sendCall(sse(call))
            if options.faults.loginFailureAfter == published && loginWindowStart == nil { withdrawSession() }
        case .line(var state):
            state.updated = now
            let previous = lineStates[state.extension]
            if state.line == nil { state.line = previous?.line }
            if state.presence == nil { state.presence = previous?.presence }
            lineStates[state.extension] = state
            broadcast(sse(state), to: &stateSubscribers)
        }
    }

    func sse(_ value: some Encodable) -> String {
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return "data: " + String(decoding: data, as: UTF8.self) + "\n\n"
    }

    /// Housekeeping, called a few times a second: forgets expired tokens,
    /// closes streams whose token expired, sends keepalive comments, publishes due originate events.
    func tick(now: ContinuousClock.Instant) {
        pruneTokens(now: now)
        for (id, s) in callSubscribers where s.expires <= now {
            s.continuation.finish()
            callSubscribers[id] = nil
        }
        for (id, s) in stateSubscribers where s.expires <= now {
            s.continuation.finish()
            stateSubscribers[id] = nil
        }
        if callSubscribers.values.contains(where: { now - $0.lastWrite >= options.keepaliveInterval }) {
            broadcast(": keepalive\n\n", to: &callSubscribers)
        }
        if stateSubscribers.values.contains(where: { now - $0.lastWrite >= options.keepaliveInterval }) {
            broadcast(": keepalive\n\n", to: &stateSubscribers)
        }
        let due = pending.filter { $0.due <= now }
        pending.removeAll { $0.due <= now }
        for d in due {
            if case .call(let c) = d.payload {
                if c.state == "answer" || c.state == "hangup" {
                    guard originated[c.uuid] != nil else { continue }  // cancelled meanwhile
                    if c.state == "hangup" { originated[c.uuid] = nil }
                }
            }
            publish(d.payload)
        }
    }

    // MARK: Originate

    /// Starts a click-to-dial call; its events follow on the calls stream.
    func originate(_ request: CallEvent, customer: String) -> CallEvent {
        let uuid = UUID().uuidString.lowercased()
        let ext = request.extension ?? request.caller ?? ""
        let start = CallEvent(
            uuid: uuid, state: "start", caller: request.caller ?? ext, callerContext: request.callerContext ?? customer,
            callee: request.callee, calleeContext: request.calleeContext ?? "global", direction: .outbound,
            extension: ext, customer: customer, updated: WallClock.now().rfc3339())
        originated[uuid] = start
        let now = ContinuousClock.now
        func at(_ seconds: Double) -> ContinuousClock.Instant { now + .seconds(seconds / max(options.speed, 0.001)) }
        var e = start
        for (state, t) in [("dial", 1.0), ("ring", 2.0), ("answer", 6.0), ("hangup", 36.0)] {
            e.state = state
            pending.append((at(t), .call(e)))
        }
        return start
    }

    /// Cancels an originated call that is still in progress.
    func cancel(uuid: String) -> Bool {
        guard var call = originated.removeValue(forKey: uuid) else { return false }
        pending.removeAll {
            if case .call(let c) = $0.payload { return c.uuid == uuid }
            return false
        }
        call.state = "hangup"
        call.error = "cancel"
        publish(.call(call))
        return true
    }
}

extension SimulatorHub {
    /// Ends every open stream (shutdown).
    func closeAll() {
        for s in callSubscribers.values { s.continuation.finish() }
        for s in stateSubscribers.values { s.continuation.finish() }
        callSubscribers.removeAll()
        stateSubscribers.removeAll()
    }
}
