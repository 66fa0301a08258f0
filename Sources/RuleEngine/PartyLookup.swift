/// What a caller lookup found for a call's remote party, in the engine's
/// terms (the `Lookup` module's answer, mapped by the pipeline). The engine
/// does no I/O: the pipeline looks the number up and hands the result in.
public struct PartyLookup: Sendable, Equatable {
    public var name: String?
    public var company: String?
    public var contactURL: String?
    public var companyURL: String?
    public var crmID: String?
    public var crmName: String?
    /// `CustomData` / `CustomFields`: `PARTY.custom.KEY`.
    public var custom: [String: String]
    /// How many contacts the service returned (`PARTY.contacts`).
    public var contacts: Int

    public init(
        name: String? = nil, company: String? = nil, contactURL: String? = nil, companyURL: String? = nil,
        crmID: String? = nil, crmName: String? = nil, custom: [String: String] = [:], contacts: Int = 1
    ) {
        self.name = name
        self.company = company
        self.contactURL = contactURL
        self.companyURL = companyURL
        self.crmID = crmID
        self.crmName = crmName
        self.custom = custom
        self.contacts = contacts
    }

    /// The party's fields as template variables (`name` is set apart: the
    /// caller merges it with the PBX's and the directory's name).
    var fields: [String: Any] {
        var out: [String: Any] = ["contacts": contacts, "custom": custom as [String: Any]]
        let pairs: [(String, String?)] = [
            ("company", company), ("contact_url", contactURL), ("company_url", companyURL), ("crm_id", crmID),
            ("crm_name", crmName),
        ]
        for (k, v) in pairs { if let v, !v.isEmpty { out[k] = v } }
        return out
    }
}
