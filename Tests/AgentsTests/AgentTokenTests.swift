import Calls
import Foundation
import Testing

@testable import Agents

@Suite struct AgentTokenTests {
    let secret = "a-long-random-agent-secret"
    let now = EventTime(nanoseconds: 1_767_225_600_000_000_000)

    @Test func issuedTokenVerifiesWithItsClaims() throws {
        let text = try AgentToken.issue(
            customer: "K1234", extensions: ["101", "100", "100"], ttl: .seconds(3600), now: now, secret: secret)
        #expect(text.hasPrefix("cha1."))
        let token = try AgentToken.verify(text, secret: secret, now: now + .seconds(3599))
        #expect(token.customer == "K1234")
        #expect(token.extensions == ["100", "101"])
        #expect(token.expires == now + .seconds(3600))
        #expect(token.scope == AgentScope(customer: "K1234", extensions: ["100", "101"]))
    }

    @Test func tokenWithoutCustomerVerifies() throws {
        let text = try AgentToken.issue(customer: nil, extensions: ["100"], ttl: .seconds(60), now: now, secret: secret)
        let token = try AgentToken.verify(text, secret: secret, now: now)
        #expect(token.customer == nil)
        #expect(token.scope.contains(customer: "K1", extension: "100"))
        #expect(token.scope.contains(customer: "K2", extension: "100"))
        #expect(!token.scope.contains(customer: "K1", extension: "101"))
    }

    @Test func missingTokenIsMissing() {
        #expect(throws: AgentTokenError.missing) { try AgentToken.verify(nil, secret: secret, now: now) }
        #expect(throws: AgentTokenError.missing) { try AgentToken.verify("", secret: secret, now: now) }
    }

    @Test func expiredTokenIsExpiredAtItsExpiry() throws {
        let text = try AgentToken.issue(customer: nil, extensions: ["100"], ttl: .seconds(60), now: now, secret: secret)
        #expect(throws: AgentTokenError.expired(at: now + .seconds(60))) {
            try AgentToken.verify(text, secret: secret, now: now + .seconds(60))
        }
    }

    @Test func tokenOfAnotherSecretIsForged() throws {
        let text = try AgentToken.issue(customer: nil, extensions: ["100"], ttl: .seconds(60), now: now, secret: "other")
        #expect(throws: AgentTokenError.forged) { try AgentToken.verify(text, secret: secret, now: now) }
    }

    @Test func editedPayloadIsForged() throws {
        let text = try AgentToken.issue(customer: "K1", extensions: ["100"], ttl: .seconds(60), now: now, secret: secret)
        let parts = text.dropFirst("cha1.".count).split(separator: ".")
        var json = String(decoding: Base64URL.decode(parts[0])!, as: UTF8.self)
        json = json.replacingOccurrences(of: "\"100\"", with: "\"101\"")
        let edited = "cha1." + Base64URL.encode(Array(json.utf8)) + "." + parts[1]
        #expect(throws: AgentTokenError.forged) { try AgentToken.verify(edited, secret: secret, now: now) }
        // A longer expiry pasted in is forged too, not merely "expired" or accepted.
        var later = String(decoding: Base64URL.decode(parts[0])!, as: UTF8.self)
        later = later.replacingOccurrences(of: "\(now.epochSeconds + 60)", with: "\(now.epochSeconds + 999_999)")
        #expect(later != String(decoding: Base64URL.decode(parts[0])!, as: UTF8.self))
        let extended = "cha1." + Base64URL.encode(Array(later.utf8)) + "." + parts[1]
        #expect(throws: AgentTokenError.forged) { try AgentToken.verify(extended, secret: secret, now: now) }
    }

    @Test(arguments: [
        "cha2.e30.AAAA", "Bearer abc", "cha1.", "cha1.e30", "cha1.e30.abc.def", "cha1.e3*.AAAA",
        "cha1.e30.AAAA",  // a MAC of the wrong length
    ])
    func malformedTokensAreMalformed(_ text: String) {
        #expect {
            try AgentToken.verify(text, secret: secret, now: now)
        } throws: { error in
            if case .malformed = error as? AgentTokenError { return true }
            return false
        }
    }

    @Test func correctlySignedGarbageIsMalformed() {
        let input = "cha1." + Base64URL.encode(Array("not json".utf8))
        let mac = AgentMAC.authenticationCode(key: Array(secret.utf8), message: Array(input.utf8))
        let text = input + "." + Base64URL.encode(mac)
        #expect {
            try AgentToken.verify(text, secret: secret, now: now)
        } throws: { error in
            if case .malformed = error as? AgentTokenError { return true }
            return false
        }
    }

    @Test func oversizedTokenIsRefusedBeforeAnyWork() {
        let text = "cha1." + String(repeating: "A", count: AgentToken.maxLength)
        #expect(throws: AgentTokenError.malformed("longer than \(AgentToken.maxLength) bytes")) {
            try AgentToken.verify(text, secret: secret, now: now)
        }
    }

    @Test func emptySecretIssuesAndVerifiesNothing() throws {
        #expect(throws: AgentTokenError.noSecret) {
            try AgentToken.issue(customer: nil, extensions: ["100"], ttl: .seconds(60), now: now, secret: "")
        }
        let text = try AgentToken.issue(customer: nil, extensions: ["100"], ttl: .seconds(60), now: now, secret: secret)
        #expect(throws: AgentTokenError.noSecret) { try AgentToken.verify(text, secret: "", now: now) }
    }

    @Test func claimsOutOfBoundsAreNotIssued() {
        let cases: [(String?, [String])] = [
            (nil, []), (nil, ["10 0"]), ("K 1", ["100"]), (nil, (0...AgentToken.maxExtensions).map { "\($0)" }),
            (nil, [String(repeating: "1", count: AgentToken.maxNameLength + 1)]),
        ]
        for (customer, extensions) in cases {
            #expect {
                try AgentToken.issue(customer: customer, extensions: extensions, ttl: .seconds(60), now: now, secret: secret)
            } throws: { error in
                if case .invalidClaims = error as? AgentTokenError { return true }
                return false
            }
        }
        #expect(throws: AgentTokenError.invalidClaims("the time to live must be positive")) {
            try AgentToken.issue(customer: nil, extensions: ["100"], ttl: .zero, now: now, secret: secret)
        }
    }

    @Test func errorMessagesNeverContainTheSecretOrToken() throws {
        let text = try AgentToken.issue(customer: nil, extensions: ["100"], ttl: .seconds(60), now: now, secret: secret)
        let errors: [AgentTokenError] = [.missing, .malformed("x"), .forged, .expired(at: now), .noSecret, .invalidClaims("x")]
        for error in errors {
            #expect(!error.description.contains(secret))
            #expect(!error.description.contains(text))
        }
    }

    @Test func constantTimeEqualCompares() {
        #expect(AgentMAC.constantTimeEqual([], []))
        #expect(AgentMAC.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!AgentMAC.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!AgentMAC.constantTimeEqual([9, 2, 3], [1, 2, 3]))
        #expect(!AgentMAC.constantTimeEqual([1, 2, 3], [1, 2]))
        #expect(!AgentMAC.constantTimeEqual([], [0]))
    }

    @Test func hmacMatchesRFC4231TestCase2() {
        let mac = AgentMAC.authenticationCode(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        let hex = mac.map { String(format: "%02x", $0) }.joined()
        #expect(hex == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func bearerHeaderWinsOverQueryToken() {
        #expect(AgentToken.fromRequest(authorization: "Bearer abc", accessToken: "q") == "abc")
        #expect(AgentToken.fromRequest(authorization: "bearer  abc ", accessToken: nil) == "abc")
        #expect(AgentToken.fromRequest(authorization: "Basic abc", accessToken: "q") == "q")
        #expect(AgentToken.fromRequest(authorization: nil, accessToken: "") == nil)
        #expect(AgentToken.fromRequest(authorization: nil, accessToken: nil) == nil)
    }
}
