import Curl
import Foundation
import TestSupport
import Testing

@Suite("TLS verification")
struct TLSTests {
    @Test("a self-signed server is refused unless its CA is given")
    func selfSigned() async throws {
        let server = try await SelfSignedServer.start()
        defer { server.stop() }
        try #require(server.port > 0)
        let client = HTTPClient()
        defer { client.shutdown() }
        let url = "https://127.0.0.1:\(server.port)/"
        do {
            _ = try await client.execute(HTTPRequest(url: url, timeout: .seconds(3)))
            Issue.record("an untrusted certificate was accepted")
        } catch {
            #expect(error.kind == .tls)
            #expect(error.isRetryable, "an operator may fix the trust store")
        }
        let trusted = try await client.execute(
            HTTPRequest(url: url, timeout: .seconds(3), tls: TLSOptions(caFile: server.certFile)))
        #expect(trusted.status == 200)
        #expect(trusted.text == "secure")
    }
}
