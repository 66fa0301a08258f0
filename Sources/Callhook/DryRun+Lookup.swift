import Calls
import Foundation
import Lookup
import RuleEngine

extension DryRun {
    /// A `callhook test --lookup` file that cannot be used.
    public struct InvalidLookupFile: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Reads a lookup answers file: a JSON object, number → the lookup
    /// service's answer (an array of contacts, PascalCase or camelCase; `[]`
    /// is not found). Numbers are matched in any form the service could be
    /// asked with (`+4989…`, `4989…`, `089…`).
    public static func lookupAnswers(_ data: Data, file: String) throws -> [String: PartyLookup?] {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw InvalidLookupFile(message: "\(file): error: expected a JSON object of number → array of contacts")
        }
        var out: [String: PartyLookup?] = [:]
        for (number, answer) in object {
            guard JSONSerialization.isValidJSONObject(answer), let bytes = try? JSONSerialization.data(withJSONObject: answer)
            else { throw InvalidLookupFile(message: "\(file): error: \(number): expected an array of contacts") }
            do {
                let contacts = try Contact.parseList(Array(bytes))
                out[number] = LookupResult(contacts: contacts).map { PipelineLookups.party(.found($0)) } ?? nil
            } catch {
                throw InvalidLookupFile(message: "\(file): error: \(number): \(error)")
            }
        }
        return out
    }

    /// The answer for a party, from `lookups`, by any form of its number.
    func answer(_ n: PhoneNumber) -> PartyLookup? {
        for form in [n.raw, n.e164, n.digits, n.national] {
            if let a = lookups[form] { return a }
        }
        return nil
    }
}
