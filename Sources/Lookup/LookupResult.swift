/// The contacts a phone lookup found for one number: never empty (an empty
/// answer is `LookupOutcome.notFound`). The first contact is the party's.
public struct LookupResult: Sendable, Equatable {
    /// Every contact of the answer, in the service's order.
    public let contacts: [Contact]

    /// nil when `contacts` is empty: a result always has a contact.
    public init?(contacts: [Contact]) {
        guard !contacts.isEmpty else { return nil }
        self.contacts = contacts
    }

    /// The party's contact: the first of the answer.
    public var contact: Contact { contacts[0] }

    /// How many contacts the service returned (`PARTY.contacts`).
    public var count: Int { contacts.count }
}
