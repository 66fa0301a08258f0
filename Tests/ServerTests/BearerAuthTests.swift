import Testing

@testable import Server

@Suite("bearer auth")
struct BearerAuthTests {
    let auth = BearerAuth(token: "s3cret-token")

    @Test func aConfiguredTokenMustMatchExactly() {
        #expect(auth.check(authorization: "Bearer s3cret-token", queryToken: nil) == .allowed(viaQuery: false))
        #expect(auth.check(authorization: "bearer s3cret-token", queryToken: nil) == .allowed(viaQuery: false))
        #expect(auth.check(authorization: "Bearer s3cret-toke", queryToken: nil) == .unauthorized)
        #expect(auth.check(authorization: "Bearer s3cret-token2", queryToken: nil) == .unauthorized)
        #expect(auth.check(authorization: "Basic czNjcmV0LXRva2Vu", queryToken: nil) == .unauthorized)
        #expect(auth.check(authorization: nil, queryToken: nil) == .unauthorized)
    }

    @Test func theQueryTokenCountsWhenTheEndpointPassesIt() {
        #expect(auth.check(authorization: nil, queryToken: "s3cret-token") == .allowed(viaQuery: true))
        #expect(auth.check(authorization: nil, queryToken: "wrong") == .unauthorized)
        // A wrong header is not rescued by a right query token.
        #expect(auth.check(authorization: "Bearer wrong", queryToken: "s3cret-token") == .unauthorized)
    }

    @Test func noTokenMeansTheEndpointDoesNotExist() {
        #expect(BearerAuth(token: nil).check(authorization: "Bearer x", queryToken: nil) == .notConfigured)
        #expect(BearerAuth(token: "").check(authorization: "Bearer ", queryToken: "") == .notConfigured)
    }

    @Test func comparisonLooksAtEveryByte() {
        #expect(BearerAuth.equal(Array("abc".utf8), Array("abc".utf8)))
        #expect(!BearerAuth.equal(Array("abc".utf8), Array("abd".utf8)))
        #expect(!BearerAuth.equal(Array("abc".utf8), Array("abc\0".utf8)))
        #expect(!BearerAuth.equal([], Array("a".utf8)))
    }
}
