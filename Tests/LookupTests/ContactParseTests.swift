import Testing

@testable import Lookup

@Suite struct ContactParseTests {
    /// The seed's example answer, with a second contact.
    static let seedAnswer = """
        [
           {
              "Name": "Alexa Holiday",
              "Company": "White Cross Co",
              "ContactUri": "https://crm.example.com/contacts/17",
              "CompanyUri": "https://crm.example.com/companies/4",
              "Id": "C-17",
              "CrmName": "Sugar CRM",
              "CrmLogo": "https://crm.example.com/logo.png",
              "CustomData": { "Title1": "Data1", "Tier": "Gold" }
           },
           { "Name": "Bob Second", "Id": "C-18" }
        ]
        """

    @Test func seedAnswerInPascalCase() throws {
        let contacts = try Contact.parseList(Array(Self.seedAnswer.utf8))
        #expect(contacts.count == 2)
        #expect(
            contacts[0]
                == Contact(
                    name: "Alexa Holiday", company: "White Cross Co", contactURL: "https://crm.example.com/contacts/17",
                    companyURL: "https://crm.example.com/companies/4", crmID: "C-17", crmName: "Sugar CRM",
                    crmLogo: "https://crm.example.com/logo.png", custom: ["Title1": "Data1", "Tier": "Gold"]))
        #expect(contacts[1].name == "Bob Second")
        #expect(contacts[1].company == nil)
        #expect(contacts[1].custom.isEmpty)
    }

    @Test func camelCaseNamesAndNumericValues() throws {
        let body = """
            [{"name": "Carla Camel", "company": "Camel AG", "contactUri": "https://c/1", "companyUri": "https://c/2",
              "id": 4711, "crmName": "HubSpot", "crmLogo": null,
              "customData": {"Score": 9.5, "Vip": true, "Visits": 3, "Nested": {"a": 1}, "Gone": null}}]
            """
        let c = try #require(try Contact.parseList(Array(body.utf8)).first)
        #expect(c.name == "Carla Camel")
        #expect(c.company == "Camel AG")
        #expect(c.contactURL == "https://c/1")
        #expect(c.companyURL == "https://c/2")
        #expect(c.crmID == "4711")
        #expect(c.crmName == "HubSpot")
        #expect(c.crmLogo == nil)
        #expect(c.custom == ["Score": "9.5", "Vip": "true", "Visits": "3"])
    }

    @Test func customFieldsAsObjectOrPairsAndCustomDataWins() throws {
        let body = """
            [{"Name": "A", "CustomFields": [{"Key": "Tier", "Value": "Silver"}, {"name": "Region", "value": "North"},
                                             ["Since", 2019], {"Key": "NoValue"}],
              "CustomData": {"Tier": "Gold"}},
             {"Name": "B", "CustomFields": {"Segment": "SMB"}}]
            """
        let contacts = try Contact.parseList(Array(body.utf8))
        #expect(contacts[0].custom == ["Tier": "Gold", "Region": "North", "Since": "2019"])
        #expect(contacts[1].custom == ["Segment": "SMB"])
    }

    @Test func urlAliasesAreRead() throws {
        let body = #"[{"Name": "A", "ContactUrl": "https://a", "companyUrl": "https://b"}]"#
        let c = try #require(try Contact.parseList(Array(body.utf8)).first)
        #expect(c.contactURL == "https://a")
        #expect(c.companyURL == "https://b")
    }

    @Test func emptyArrayIsAnEmptyList() throws {
        #expect(try Contact.parseList(Array("[]".utf8)).isEmpty)
        #expect(try Contact.parseList(Array(" [ ] \n".utf8)).isEmpty)
        #expect(LookupResult(contacts: []) == nil)
    }

    @Test func firstContactIsThePartysAndCountIsKept() throws {
        let result = try #require(LookupResult(contacts: try Contact.parseList(Array(Self.seedAnswer.utf8))))
        #expect(result.contact.crmID == "C-17")
        #expect(result.count == 2)
    }

    @Test func badAnswersAreErrors() {
        #expect(throws: LookupAnswerError.invalidJSON) { try Contact.parseList(Array("<html>oops</html>".utf8)) }
        #expect(throws: LookupAnswerError.invalidJSON) { try Contact.parseList([]) }
        #expect(throws: LookupAnswerError.notAnArray) { try Contact.parseList(Array(#"{"Name": "A"}"#.utf8)) }
        #expect(throws: LookupAnswerError.notAnObject(index: 1)) {
            try Contact.parseList(Array(#"[{"Name": "A"}, "B"]"#.utf8))
        }
    }

    @Test func answersOverTheLimitAreErrors() {
        let big = "[" + Array(repeating: #"{"Name": "Someone"}"#, count: 20_000).joined(separator: ",") + "]"
        #expect(big.utf8.count > Contact.maxAnswerBytes)
        #expect(throws: LookupAnswerError.tooLarge(limit: Contact.maxAnswerBytes)) {
            try Contact.parseList(Array(big.utf8))
        }
        #expect(throws: LookupAnswerError.tooLarge(limit: 10)) {
            try Contact.parseList(Array("[{},{},{},{}]".utf8), maxBytes: 10)
        }
    }

    @Test func errorMessagesDoNotQuoteTheAnswer() {
        let secret = "[{\"Name\": \"Private Person\"}, 42]"
        do {
            _ = try Contact.parseList(Array(secret.utf8))
            Issue.record("expected an error")
        } catch {
            #expect(!error.description.contains("Private"))
            #expect(error.description.contains("contact 1"))
        }
    }
}
