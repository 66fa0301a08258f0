import Testing

@testable import Agents

/// The page's contract with the server, tests and users' CSS; the real
/// browser test (EventSource, Web Audio) runs against the daemon.
@Suite struct AgentPageTests {
    let html = AgentPage.html

    @Test func pageIsSelfContained() {
        for external in ["http://", "https://", "src=", "<link", "@import", "url("] {
            #expect(!html.contains(external), "the page must load nothing from elsewhere: found \(external)")
        }
        #expect(html.hasPrefix("<!doctype html>"))
        #expect(html.hasSuffix("</html>\n"))
        #expect(AgentPage.contentType == "text/html; charset=utf-8")
    }

    @Test func pageTakesTheTokenFromTheFragmentAndConnectsToTheStream() {
        #expect(html.contains("location.hash"))
        #expect(html.contains("new URL(\"v1/agents/events\", location.href)"))
        #expect(html.contains("searchParams.set(\"access_token\", token)"))
        #expect(html.contains("new EventSource("))
        for kind in AgentEvent.Kind.allCases { #expect(html.contains("\"\(kind.rawValue)\"")) }
    }

    @Test func pageExposesItsStateInTheDOM() {
        #expect(html.contains("<body data-state=\"offline\" data-audio=\"suspended\" data-ringtone=\"\">"))
        for state in ["\"idle\"", "\"ringing\"", "\"offline\""] { #expect(html.contains("dataset.state = " + state)) }
        #expect(html.contains("card.dataset.ringtone = ringtone"))
        #expect(html.contains("body.dataset.audio = running ? \"running\" : \"suspended\""))
        for id in ["card", "name", "company", "number", "class", "sound", "conn"] { #expect(html.contains("id=\"\(id)\"")) }
    }

    @Test func everyBuiltInRingtoneHasATone() {
        for tone in ["vip", "internal", "external", "default"] { #expect(html.contains("\n    \(tone): { period:")) }
        #expect(html.contains("TONES[data.ringtone] ? data.ringtone : \"default\""))
    }

    @Test func pageIsAccessibleAndNeverInjectsCallerDataAsHTML() {
        #expect(html.contains("role=\"status\" aria-live=\"polite\""))
        #expect(html.contains("aria-live=\"assertive\""))
        #expect(html.contains("name=\"viewport\""))
        #expect(html.contains("<button id=\"sound\" type=\"button\">Enable sound</button>"))
        #expect(!html.contains("innerHTML"))
        #expect(!html.contains("document.write"))
    }

    @Test func pageStaysSmall() {
        #expect(html.split(separator: "\n").count < 350)
    }
}

@Suite struct AgentPageSecurityTests {
    @Test func policyAllowsExactlyThePagesInlineScriptAndStyle() {
        let csp = AgentPage.contentSecurityPolicy
        #expect(csp.hasPrefix("default-src 'none'; "))
        #expect(csp.contains("connect-src 'self'"))
        #expect(csp.contains("script-src '\(AgentPage.hashSource(AgentPage.script))'"))
        #expect(csp.contains("style-src '\(AgentPage.hashSource(AgentPage.style))'"))
        #expect(AgentPage.html.contains("<script>" + AgentPage.script + "</script>"))
        #expect(AgentPage.html.contains("<style>" + AgentPage.style + "</style>"))
    }

    @Test func hashSourceIsSHA256InBase64() {
        // printf 'abc' | openssl dgst -sha256 -binary | base64
        #expect(AgentPage.hashSource("abc") == "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=")
    }
}
