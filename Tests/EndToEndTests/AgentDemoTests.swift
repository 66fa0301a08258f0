import Curl
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `callhook demo` serves the web agent and prints a link that works.
@Suite("demo agent link")
struct AgentDemoTests {
    @Test func theDemoPrintsAWorkingAgentLinkForExtension100() async throws {
        let demo = try CallhookProcess(["demo", "--rate", "4/s"])
        defer { demo.signal(SIGKILL) }
        try await demo.waitForOutput(timeout: .seconds(60)) { out, _ in
            out.contains("web agent for extension 100: http://")
        }
        let out = demo.stdout
        let start = try #require(out.range(of: "web agent for extension 100: "))
        let url = String(out[start.upperBound...].prefix { !$0.isWhitespace })
        let parts = url.components(separatedBy: "/agent#token=")
        try #require(parts.count == 2)
        let client = HTTPClient()
        defer { client.shutdown() }
        let page = try await client.execute(HTTPRequest(url: parts[0] + "/agent"))
        #expect(page.status == 200)
        #expect(page.text.contains("callhook agent"))
        // The token in the fragment opens the stream.
        let port = try #require(Int(parts[0].split(separator: ":").last ?? ""))
        let reader = try await AgentStreamReader(port: port, token: parts[1], query: true)
        defer { reader.close() }
        #expect(reader.status == 200)
        try await eventually(timeout: .seconds(60), "the retry hint") { reader.received.hasPrefix("retry: ") }
        demo.signal(SIGINT)
        #expect(await demo.waitForExit(timeout: .seconds(20)) == 0)
    }
}
