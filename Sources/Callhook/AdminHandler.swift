import Calls
import Delivery
import Foundation
import RuleEngine
import Server

/// The admin API behind its routes (runtime.md, "Server"): the queue, the
/// rules, the active calls. Secrets are masked as `callhook queue show`
/// masks them.
struct AdminHandler: AdminAPI {
    let store: any DeliveryStore
    let dispatcher: Dispatcher
    let pipeline: Pipeline
    let reloader: RuleReloader
    let activeCalls: ActiveCalls
    let masker: SecretMasker
    let clock: PipelineClock

    static let defaultLimit = 50
    static let maximumLimit = 1000

    func deliveries(query: [String: String]) async -> APIAnswer {
        var filter = DeliveryFilter()
        if let s = query["status"], !s.isEmpty {
            guard let status = DeliveryStatus(rawValue: s) else {
                return .error(400, "status: expected pending, delivered or dead")
            }
            filter.status = status
        }
        filter.target = query["target"].flatMap { $0.isEmpty ? nil : $0 }
        filter.callID = query["call"].flatMap { $0.isEmpty ? nil : $0 }
        var limit = Self.defaultLimit
        if let l = query["limit"], !l.isEmpty {
            guard let n = Int(l), (1...Self.maximumLimit).contains(n) else {
                return .error(400, "limit: expected a whole number from 1 to \(Self.maximumLimit)")
            }
            limit = n
        }
        var before: Int64?
        if let c = query["cursor"], !c.isEmpty {
            guard let seq = Self.decodeCursor(c) else {
                return .error(400, "cursor: not a cursor this server gave out; start again without one")
            }
            before = seq
        }
        do {
            let page = try await store.page(filter, beforeSeq: before, limit: limit)
            let next: Any = page.count == limit ? (page.last?.seq.map(Self.encodeCursor) ?? NSNull()) : NSNull()
            return .json(200, ["deliveries": page.map { summary($0) }, "next_cursor": next])
        } catch {
            return .error(500, "the queue cannot be read: \(masker.mask("\(error)"))")
        }
    }

    func delivery(id: String) async -> APIAnswer {
        do {
            guard let (d, attempts) = try await store.delivery(id: id) else {
                return .error(404, "no delivery \(id)")
            }
            return .json(200, detail(d, attempts: attempts))
        } catch {
            return .error(500, "the queue cannot be read: \(masker.mask("\(error)"))")
        }
    }

    func retry(id: String) async -> APIAnswer {
        do {
            let n = try await store.retry(ids: [id], now: clock.wallMilliseconds)
            guard n > 0 else { return .error(404, "no delivery \(id)") }
            dispatcher.queueChanged()
            return .json(200, ["retried": n])
        } catch {
            return .error(500, "the queue cannot be written: \(masker.mask("\(error)"))")
        }
    }

    func retryAll(query: [String: String]) async -> APIAnswer {
        guard query["status"] == "dead" else {
            return .error(400, "status: only dead deliveries are retried in bulk; send status=dead")
        }
        let target = query["target"].flatMap { $0.isEmpty ? nil : $0 }
        do {
            let n = try await store.retryDead(target: target, now: clock.wallMilliseconds)
            if n > 0 { dispatcher.queueChanged() }
            return .json(200, ["retried": n])
        } catch {
            return .error(500, "the queue cannot be written: \(masker.mask("\(error)"))")
        }
    }

    func reloadRules() async -> APIAnswer {
        switch await reloader.reloadResult(trigger: "admin api") {
        case .success(let rules):
            return .json(200, Self.summary(rules))
        case .failure(let e):
            return .json(
                422,
                [
                    "error": "the new rule set is invalid; the old one stays",
                    "problems": e.problems.map { masker.mask($0.description) },
                ])
        }
    }

    func calls() async -> APIAnswer {
        let legs = await pipeline.activeLegs()
        let classes = activeCalls.classes(of: legs)
        let out = legs.sorted { $0.started.nanoseconds < $1.started.nanoseconds }.map { leg -> [String: Any] in
            var o: [String: Any] = [
                "customer": leg.key.customer, "uuid": leg.key.uuid, "extension": leg.key.extension,
                "direction": leg.direction.rawValue, "caller": leg.caller, "callee": leg.callee,
                "phase": ActiveCalls.phase(leg), "class": classes[leg.key] ?? "", "partial": leg.partial,
                "started": leg.started.rfc3339(),
            ]
            if let n = leg.callerName { o["caller_name"] = n }
            if let n = leg.calleeName { o["callee_name"] = n }
            if let a = leg.answeredAt { o["answered"] = a.rfc3339() }
            return o
        }
        return .json(200, ["calls": out])
    }
}
