/// Why a lookup answer could not be read. Messages name the problem, never
/// the answer's content (it may hold personal data).
public enum LookupAnswerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The body is longer than the limit.
    case tooLarge(limit: Int)
    /// The body is not JSON.
    case invalidJSON
    /// The body is JSON but not an array of contacts.
    case notAnArray
    /// The element at this index is not an object.
    case notAnObject(index: Int)

    public var description: String {
        switch self {
        case .tooLarge(let limit): "the lookup answer is larger than \(limit) bytes"
        case .invalidJSON: "the lookup answer is not valid JSON"
        case .notAnArray: "the lookup answer is not a JSON array of contacts"
        case .notAnObject(let i): "contact \(i) of the lookup answer is not a JSON object"
        }
    }
}

extension Contact {
    /// The largest lookup answer read: the seed recommends at most five
    /// contacts, so anything near this is a misbehaving service.
    public static let maxAnswerBytes = 256 * 1024

    /// Parses a peoplefone phone lookup answer: a JSON array of contacts,
    /// field names in PascalCase (`Name`, `Company`, `ContactUri`,
    /// `CompanyUri`, `Id`, `CrmName`, `CrmLogo`, `CustomData`,
    /// `CustomFields`) or camelCase (any case is accepted). `ContactUrl` and
    /// `CompanyUrl` are read as aliases. An empty array is an empty list
    /// (the number is not known).
    public static func parseList(_ body: [UInt8], maxBytes: Int = maxAnswerBytes) throws(LookupAnswerError) -> [Contact] {
        guard body.count <= maxBytes else { throw .tooLarge(limit: maxBytes) }
        let value: JSONValue
        do { value = try JSONValue.parse(body) } catch { throw .invalidJSON }
        guard case .array(let items) = value else { throw .notAnArray }
        var contacts: [Contact] = []
        contacts.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            guard case .object = item else { throw .notAnObject(index: i) }
            contacts.append(Contact(json: item))
        }
        return contacts
    }

    /// Reads one contact object; fields of the wrong shape are left out.
    init(json o: JSONValue) {
        self.init(
            name: o.member("Name", "DisplayName")?.scalarText,
            company: o.member("Company")?.scalarText,
            contactURL: o.member("ContactUri", "ContactUrl")?.scalarText,
            companyURL: o.member("CompanyUri", "CompanyUrl")?.scalarText,
            crmID: o.member("Id")?.scalarText,
            crmName: o.member("CrmName")?.scalarText,
            crmLogo: o.member("CrmLogo")?.scalarText)
        var custom: [String: String] = [:]
        if let fields = o.member("CustomFields") { Self.flatten(fields, into: &custom) }
        if let data = o.member("CustomData") { Self.flatten(data, into: &custom) }
        self.custom = custom
    }

    /// Key/value pairs as an object (`{"Tier": "Gold"}`), or as an array of
    /// pairs: objects with a key (`Key`, `Name`, `Title` or `Label`) and a
    /// `Value` (or `Data`), or two-element arrays `["Tier", "Gold"]`.
    /// Values that are not scalars (nested objects, arrays, null) are left out.
    static func flatten(_ value: JSONValue, into custom: inout [String: String]) {
        switch value {
        case .object(let fields):
            for (k, v) in fields { if let text = v.scalarText { custom[k] = text } }
        case .array(let pairs):
            for pair in pairs {
                switch pair {
                case .object:
                    if let k = pair.member("Key", "Name", "Title", "Label")?.scalarText,
                        let v = pair.member("Value", "Data")?.scalarText
                    {
                        custom[k] = v
                    }
                case .array(let kv) where kv.count == 2:
                    if let k = kv[0].scalarText, let v = kv[1].scalarText { custom[k] = v }
                default: continue
                }
            }
        default: return
        }
    }
}
