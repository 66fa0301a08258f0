import Testing

@testable import Lookup

@Suite struct WorkflowChainTests {
    @Test func answerBodiesAreRead() {
        #expect(
            WorkflowAnswer(body: Array(#"{"id": "CF-1", "url": "https://crm/cf/1"}"#.utf8))
                == WorkflowAnswer(id: "CF-1", url: "https://crm/cf/1"))
        #expect(WorkflowAnswer(body: Array(#"{"Id": 77}"#.utf8)) == WorkflowAnswer(id: "77"))
        #expect(WorkflowAnswer(body: Array(#"{"id": null, "url": ""}"#.utf8)).isEmpty)
        #expect(WorkflowAnswer(body: []).isEmpty)
        #expect(WorkflowAnswer(body: Array("OK".utf8)).isEmpty)
        #expect(WorkflowAnswer(body: Array(#"["id"]"#.utf8)).isEmpty)
        #expect(
            WorkflowAnswer(body: Array(#"{"id": {"nested": 1}, "url": "https://u"}"#.utf8)) == WorkflowAnswer(url: "https://u"))
    }

    @Test func eachRequestCarriesTheLatestIdOfItsCallAndTarget() {
        var chain = WorkflowChain()
        #expect(chain.nextID(callID: "c1", target: "crm") == nil)
        chain.record(WorkflowAnswer(id: "A", url: "https://crm/A"), callID: "c1", target: "crm")
        #expect(chain.nextID(callID: "c1", target: "crm") == "A")
        chain.record(WorkflowAnswer(id: "B"), callID: "c1", target: "crm")
        #expect(chain.nextID(callID: "c1", target: "crm") == "B")
        #expect(chain.link(callID: "c1", target: "crm") == WorkflowChain.Link(id: "B", url: "https://crm/A", answers: 2))
        // Other targets and other calls have their own chains.
        #expect(chain.nextID(callID: "c1", target: "erp") == nil)
        #expect(chain.nextID(callID: "c2", target: "crm") == nil)
    }

    @Test func anAnswerWithoutIdKeepsThePreviousId() {
        var chain = WorkflowChain()
        chain.record(WorkflowAnswer(id: "A"), callID: "c1", target: "crm")
        chain.record(WorkflowAnswer(), callID: "c1", target: "crm")
        #expect(chain.nextID(callID: "c1", target: "crm") == "A")
        #expect(chain.link(callID: "c1", target: "crm")?.answers == 2)
    }

    @Test func forgettingACallDropsOnlyItsLinks() {
        var chain = WorkflowChain()
        chain.record(WorkflowAnswer(id: "A"), callID: "c1", target: "crm")
        chain.record(WorkflowAnswer(id: "B"), callID: "c1", target: "erp")
        chain.record(WorkflowAnswer(id: "C"), callID: "c2", target: "crm")
        chain.forget(callID: "c1")
        #expect(chain.count == 1)
        #expect(chain.nextID(callID: "c2", target: "crm") == "C")
    }
}
