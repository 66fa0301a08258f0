import Calls
import Curl
import Foundation
import Testing

@testable import Simulator

/// `callhook sim --tenants N`: several K-accounts on one server, each with
/// its own login, extensions, traffic and streams; faults for one tenant.
@Suite struct SimulatorTenantTests {
    @Test func customersCountOn() {
        #expect(SimulatorTenant.customer("K1234", index: 1) == "K1234")
        #expect(SimulatorTenant.customer("K1234", index: 3) == "K1236")
        #expect(SimulatorTenant.customer("K0099", index: 2) == "K0100")
        #expect(SimulatorTenant.customer("acme", index: 2) == "acme-2")
    }

    @Test func eachTenantLogsInWithItsAccountAndSeesOnlyItsOwnCalls() async throws {
        try await withSimulator({
            $0.tenants = 2
            $0.traffic.rate = 50
        }) { base, client in
            #expect(try await login(base, client, user: "someone").isEmpty)
            let first = try #require(try await login(base, client, user: "K1234")["access-token"])
            let second = try #require(try await login(base, client, user: "K1235")["access-token"])
            for (token, customer) in [(first, "K1234"), (second, "K1235")] {
                let calls = try await readCalls(base, client, token: token) { $0.count >= 5 }
                #expect(calls.allSatisfy { $0.customer == customer })
                let directory = try await client.execute(
                    HTTPRequest(url: base + "/extensions/phone/data", headers: [("Authorization", "Bearer \(token)")]))
                #expect(String(decoding: directory.body, as: UTF8.self).contains("\"100@\(customer)\""))
            }
        }
    }

    @Test func aLoginFailureWindowHitsOnlyTheFaultTenant() async throws {
        try await withSimulator({
            $0.tenants = 2
            $0.faultTenant = 2
            $0.faults.loginStatus = 401
            $0.faults.loginFailureWindow = .milliseconds(400)
        }) { base, client in
            #expect(try await login(base, client, user: "K1235").isEmpty)
            #expect(try await login(base, client, user: "K1234")["access-token"] != nil)
            // The window runs from tenant 2's first login; it ends by itself.
            try await eventuallyTrue("tenant 2 logs in once its window ends") {
                try await login(base, client, user: "K1235")["access-token"] != nil
            }
        }
    }

    @Test func aWindowAfterNEventsWithdrawsTheSession() async throws {
        try await withSimulator({
            $0.traffic.rate = 50
            $0.faults.loginStatus = 401
            $0.faults.loginFailureWindow = .seconds(60)
            $0.faults.loginFailureAfter = 3
        }) { base, client in
            let tokens = try await login(base, client)
            let access = try #require(tokens["access-token"])
            // The stream ends after the 3rd call event: the session is withdrawn.
            let calls = try await readCalls(base, client, token: access) { _ in false }
            #expect(calls.count == 3)
            let directory = try await client.execute(
                HTTPRequest(url: base + "/extensions/phone/data", headers: [("Authorization", "Bearer \(access)")]))
            #expect(directory.status == 401)
            // Inside the window neither a login nor a refresh gets a token
            // (that the window ends is shown by the test above).
            #expect(try await login(base, client).isEmpty)
            let refresh = try await client.execute(
                HTTPRequest(
                    method: "PUT", url: base + "/login",
                    headers: [("Authorization", "Bearer \(try #require(tokens["refresh-token"]))")]))
            #expect(refresh.status == 401)
        }
    }

    func eventuallyTrue(_ what: String, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(120)
        while !(try await condition()) {
            if ContinuousClock.now > deadline {
                Issue.record("timed out: \(what)")
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
