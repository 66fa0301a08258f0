import Foundation
import Hummingbird

/// The simulator's peoplefone CONNECTOR side: a phone lookup service with
/// generated contacts for external numbers, and a workflow endpoint that
/// answers with ids and urls.
extension Simulator {
    struct SimContact: Encodable {
        var Name: String
        var Company: String
        var ContactUri: String
        var Id: String
        var CrmName = "Simulated CRM"
        var CustomData: [String: String]
    }

    struct WorkflowReply: Encodable {
        var id: String
        var url: String
    }

    /// The contacts of `number`: about one number in eight is unknown
    /// (`[]`), about one in four of the others is a `Tier = Gold` customer.
    /// The same number always gives the same answer.
    static func contacts(for number: String) -> [SimContact] {
        var h: UInt64 = 1_469_598_103_934_665_603
        for b in number.utf8 { h = (h ^ UInt64(b)) &* 1_099_511_628_211 }
        guard !number.isEmpty, h % 8 != 0 else { return [] }
        let first = ["Alexa", "Bruno", "Chiara", "Daniel", "Elif", "Femke", "Gustav", "Hanna"]
        let last = ["Holiday", "Keller", "Moretti", "Novak", "Schmid", "Weber"]
        let companies = ["White Cross Co", "Alpine Tools AG", "Lakeside Bakery", "Nordlicht GmbH", "Rhein Logistics"]
        let gold = (h / 8) % 4 == 0
        return [
            SimContact(
                Name: "\(first[Int(h % 8)]) \(last[Int((h / 64) % 6)])", Company: companies[Int((h / 512) % 5)],
                ContactUri: "https://crm.example.com/contacts/\(h % 10_000)", Id: "C-\(h % 10_000)",
                CustomData: ["Tier": gold ? "Gold" : "Standard"])
        ]
    }

    func addLookupRoutes(_ router: Router<BasicRequestContext>) {
        let options = self.options
        let counter = WorkflowCounter()
        router.get("/lookup") { request, _ -> Response in
            if options.lookupDelay > .zero { try await Task.sleep(for: options.lookupDelay) }
            if options.lookupFailureRate > 0, Double.random(in: 0..<1) < options.lookupFailureRate {
                return Self.error(.internalServerError, "lookup failed (simulated fault)")
            }
            let number = request.uri.queryParameters.get("PhoneNumber") ?? ""
            return Self.json(Self.contacts(for: number))
        }
        router.post("/workflow/{name}") { _, _ -> Response in
            let n = await counter.next()
            return Self.json(WorkflowReply(id: "CF-\(n)", url: "https://crm.example.com/callflows/CF-\(n)"))
        }
    }
}

/// Numbers the simulated workflow answers.
actor WorkflowCounter {
    private var n = 0
    func next() -> Int {
        n += 1
        return n
    }
}
