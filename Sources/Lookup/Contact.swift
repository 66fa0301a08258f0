/// One contact of a phone lookup answer (peoplefone CONNECTOR, part 1).
///
/// Every field is optional in the protocol; an absent or null field is nil
/// here. `custom` holds `CustomData` and `CustomFields` flattened into text.
public struct Contact: Sendable, Equatable {
    /// `Name`: the contact's full name.
    public var name: String?
    /// `Company`.
    public var company: String?
    /// `ContactUri`: the contact's page in the CRM.
    public var contactURL: String?
    /// `CompanyUri`: the company's page in the CRM.
    public var companyURL: String?
    /// `Id`: the contact's id in the CRM (a workflow's `contactCrmId`).
    public var crmID: String?
    /// `CrmName`.
    public var crmName: String?
    /// `CrmLogo`: URL of the CRM's logo.
    public var crmLogo: String?
    /// `CustomData` and `CustomFields`, key → value as text. Where both
    /// carry a key, `CustomData` wins.
    public var custom: [String: String]

    public init(
        name: String? = nil, company: String? = nil, contactURL: String? = nil, companyURL: String? = nil,
        crmID: String? = nil, crmName: String? = nil, crmLogo: String? = nil, custom: [String: String] = [:]
    ) {
        self.name = name
        self.company = company
        self.contactURL = contactURL
        self.companyURL = companyURL
        self.crmID = crmID
        self.crmName = crmName
        self.crmLogo = crmLogo
        self.custom = custom
    }
}
