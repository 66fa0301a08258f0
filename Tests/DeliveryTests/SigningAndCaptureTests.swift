import Delivery
import RuleEngine
import Testing

@Suite struct SigningTests {
    /// The example of the Standard Webhooks specification.
    @Test func matchesTheSpecificationExample() {
        let s = WebhookSignature(secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        let sig = s.signature(
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: Array(#"{"test": 2432232314}"#.utf8))
        #expect(sig == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test func hmacKnownAnswer() {
        // RFC 4231 test case 2.
        let mac = HMACSHA256.authenticationCode(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        let hex = mac.map { String(format: "%02x", $0) }.joined()
        #expect(hex == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(HMACSHA256.constantTimeEqual(mac, mac))
        #expect(!HMACSHA256.constantTimeEqual(mac, Array(mac.dropLast()) + [0]))
    }
}

@Suite struct CallVarsTests {
    @Test func legacyMarkersOfOldRowsAreFilledPerContext() {
        let m = CallVars.legacyMarker("ticket")
        // `jsonValue` encodes a whole value (a workflow id), never rendered text.
        for e in Escaping.allCases where e != .jsonValue { #expect(e.escape(m) == m) }
        let values = ["ticket": "a b&\"c\""]
        #expect(
            CallVars.substituteLegacy("x/\(m)?q=\(m)", values: values, escaping: .url) == "x/a%20b%26%22c%22?q=a%20b%26%22c%22")
        #expect(CallVars.substituteLegacy(#"{"t":"\#(m)"}"#, values: values, escaping: .jsonString) == #"{"t":"a b&\"c\""}"#)
        #expect(CallVars.substituteLegacy("<t>\(m)</t>", values: values, escaping: .xml) == "<t>a b&amp;&quot;c&quot;</t>")
        // Unknown names become empty.
        #expect(CallVars.substituteLegacy("[\(CallVars.legacyMarker("nope"))]", values: values, escaping: .none) == "[]")
    }

    @Test func capturesFieldsFromJSON() {
        let body = Array(#"{"id": 42, "data": {"key": "T-1", "ok": true}, "items": [{"n": "first"}]}"#.utf8)
        let v = ResponseCapture.values(
            ["ticket": "id", "key": "data.key", "ok": "data.ok", "first": "items.0.n", "missing": "nope"], from: body)
        #expect(v == ["ticket": "42", "key": "T-1", "ok": "true", "first": "first"])
        #expect(ResponseCapture.values(["x": "id"], from: Array("not json".utf8)).isEmpty)
    }
}

@Suite struct SecretMaskingTests {
    @Test func webhookPathsUserinfoAndTokenQueriesAreMasked() {
        #expect(
            SecretMasking.maskURL("https://hooks.slack.com/services/T0001/B0002/XXXXsecretXXXX")
                == "https://hooks.slack.com/services/***/***/***")
        #expect(
            SecretMasking.maskURL("https://acme.webhook.office.com/webhookb2/abc@def/IncomingWebhook/123/456")
                == "https://acme.webhook.office.com/webhookb2/***/***/***/***")
        #expect(
            SecretMasking.maskURL("https://bob:hunter2@crm.example.com/api/calls?token=t0k3n&call=42&api_key=k#top")
                == "https://***@crm.example.com/api/calls?token=***&call=42&api_key=***#top")
        #expect(
            SecretMasking.maskURL("https://crm.example.com/hook/aB3dE5gH7jK9mN1pQ3sT5vW7yZ9/calls")
                == "https://crm.example.com/hook/***/calls")
        #expect(SecretMasking.maskURL("https://crm.example.com/api/v2/calls/42") == "https://crm.example.com/api/v2/calls/42")
        #expect(
            SecretMasking.maskURLs(in: "connect to https://u:p@h.example/x?sig=abc failed")
                == "connect to https://***@h.example/x?sig=*** failed")
    }
}
