import Calls
import Synchronization

/// Maps sipgate.io push requests (`POST /v1/ingest/sipgate`) onto canonical
/// call objects for the tracker (runtime.md, "Other PBXs: HTTP ingest adapters").
///
/// | sipgate.io | call object |
/// |---|---|
/// | `callId` | `uuid` |
/// | first `userId[]` of `newCall` (else `to` inbound, `from` outbound) | `extension` |
/// | `[server] ingest_customer` | `customer` |
/// | `direction` `in` / `out` | `inbound` / `outbound` |
/// | `from` / `to` | `caller` / `callee` (both directions: `from` is who calls) |
/// | first `user[]` | `callee_name` inbound, `caller_name` outbound |
/// | `newCall` | `ring` inbound, `dial` outbound |
/// | `answer` | `answer` |
/// | `hangup` | `hangup`, `error` from `cause` (`hangupError`) |
/// | arrival time | `updated` (RFC 3339) |
///
/// `answer` and `hangup` do not repeat `userId[]`, so the adapter remembers
/// each call from its `newCall` until its `hangup` (bounded, see
/// `SipgateCalls`). A push for a call it does not know (the daemon restarted
/// mid-call) still maps, with the singular `userId` or the number as the
/// extension; the tracker then marks that leg partial.
///
/// Thread-safe: the memory lives behind a `Mutex`, so one adapter serves
/// every request.
public final class SipgateAdapter: Sendable {
    /// The `customer` of every call object (`[server] ingest_customer`).
    public let customer: String
    private let clock: PipelineClock
    private let memory: Mutex<SipgateCalls>

    /// - Parameters:
    ///   - customer: `[server] ingest_customer`, default `ingest`.
    ///   - clock: stamps `updated` with the wall time of arrival.
    ///   - capacity: how many calls between `newCall` and `hangup` are remembered.
    ///   - retention: how long a call with no push is remembered (a lost `hangup`).
    public init(
        customer: String = "ingest", clock: PipelineClock = .system, capacity: Int = 10_000,
        retention: Duration = .seconds(12 * 3600)
    ) {
        self.customer = customer
        self.clock = clock
        self.memory = Mutex(SipgateCalls(capacity: capacity, retention: retention))
    }

    /// How many calls are remembered now.
    public var rememberedCalls: Int { memory.withLock { $0.count } }

    /// The call objects for one push, in order: one for `newCall`, `answer`
    /// and `hangup`, none for anything else (`dtmf`, …). Updates the call
    /// memory, so call it once per request (a redelivered `newCall` maps to
    /// the same leg again, which the tracker swallows).
    public func events(for push: SipgatePush) -> [CallEvent] {
        guard push.event.isCall else { return [] }
        let now = clock.wallTime()
        return memory.withLock { (calls: inout SipgateCalls) -> [CallEvent] in
            var call = calls.recall(push.callId, now: now) ?? Self.call(from: push, now: now)
            call.lastSeen = now
            let state: String
            var error: String?
            switch push.event {
            case .newCall: state = call.direction == .inbound ? "ring" : "dial"
            case .answer:
                state = "answer"
                call.answered = true
            default:
                state = "hangup"
                error = call.answered ? nil : Self.hangupError(push.cause)
            }
            if push.event == .hangup { calls.forget(push.callId) } else { calls.remember(push.callId, call, now: now) }
            let inbound = call.direction == .inbound
            return [
                CallEvent(
                    uuid: push.callId, state: state, caller: call.from, callee: call.to, direction: call.direction,
                    extension: call.extension, customer: customer, updated: now.rfc3339(), error: error,
                    callerName: inbound ? nil : call.name, calleeName: inbound ? call.name : nil)
            ]
        }
    }

    /// The call as this push alone describes it.
    static func call(from p: SipgatePush, now: EventTime) -> SipgateCalls.Call {
        let direction: Direction = p.direction == .out ? .outbound : .inbound
        let number = direction == .inbound ? p.to : p.from
        return SipgateCalls.Call(
            extension: p.userIds.first ?? number ?? "", direction: direction, from: p.from, to: p.to,
            name: p.users.first, answered: false, lastSeen: now)
    }

    /// The NFON `error` a sipgate.io hang-up `cause` maps to for a call that
    /// was not answered, chosen so the tracker's `call.cause` comes out right:
    ///
    /// | cause | error | `call.cause` inbound | outbound |
    /// |---|---|---|---|
    /// | `normalClearing` | none | missed | cancelled |
    /// | `cancel` | `cancel` | missed | cancelled |
    /// | `noAnswer` | `timeout` | missed | missed |
    /// | `busy` | `busy` | busy | busy |
    /// | `forwarded` | none | missed | cancelled |
    /// | `congestion`, `notFound`, other | the cause as sent | failed | failed |
    ///
    /// An answered call always ends `answered`, whatever the cause.
    public static func hangupError(_ cause: String?) -> String? {
        switch cause {
        case nil, "normalClearing", "forwarded": nil
        case "noAnswer": "timeout"
        default: cause
        }
    }
}
