import Foundation

/// Secrets inside URLs, masked by `callhook queue show` (the queue holds
/// rendered requests as they are sent).
///
/// - userinfo (`https://user:pass@host/`) becomes `***@`;
/// - the value of a query parameter whose name says it is a secret (token,
///   key, secret, sig, signature, password, auth, code, session) becomes `***`;
/// - on known webhook hosts (Slack, Microsoft Teams / Office 365, Discord,
///   Google Chat, Mattermost-style `/hooks/`) every path segment after the
///   first is the secret and becomes `***`;
/// - anywhere else a path segment of 24 or more characters that mixes
///   letters and digits (an opaque token) becomes `***`.
public enum SecretMasking {
    static let webhookHosts = [
        "hooks.slack.com", "webhook.office.com", "outlook.office.com", "discord.com", "discordapp.com",
        "chat.googleapis.com",
    ]

    static let secretQueryNames = ["token", "key", "secret", "sig", "password", "auth", "code", "session"]

    public static func maskURL(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let scheme = url[..<schemeEnd.upperBound]
        var rest = Substring(url[schemeEnd.upperBound...])
        var fragment = ""
        if let hash = rest.firstIndex(of: "#") {
            fragment = String(rest[hash...])
            rest = rest[..<hash]
        }
        var query: Substring?
        if let q = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: q)...]
            rest = rest[..<q]
        }
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = String(rest[..<authorityEnd])
        let path = rest[authorityEnd...]
        if let at = authority.lastIndex(of: "@") { authority = "***" + authority[at...] }
        let host =
            (authority.split(separator: "@").last.map(String.init) ?? authority)
            .split(separator: ":").first.map { $0.lowercased() } ?? ""
        let isWebhook = webhookHosts.contains { host == $0 || host.hasSuffix("." + $0) }

        var segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var seenFirst = false
        for i in segments.indices where !segments[i].isEmpty {
            if isWebhook {
                if seenFirst { segments[i] = "***" }
                seenFirst = true
            } else if isOpaque(segments[i]) {
                segments[i] = "***"
            }
        }
        var out = scheme + authority + segments.joined(separator: "/")
        if let query {
            let pairs = query.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
                guard let eq = pair.firstIndex(of: "=") else { return String(pair) }
                let name = pair[..<eq].lowercased()
                return secretQueryNames.contains { name.contains($0) } ? pair[...eq] + "***" : String(pair)
            }
            out += "?" + pairs.joined(separator: "&")
        }
        return out + fragment
    }

    /// Masks every http(s) URL inside free text (error messages).
    public static func maskURLs(in text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let start = rest.range(of: "http", options: .caseInsensitive) {
            out += rest[..<start.lowerBound]
            let tail = rest[start.lowerBound...]
            let end = tail.firstIndex { $0 == " " || $0 == "\"" || $0 == "'" || $0 == "\n" || $0 == ">" } ?? tail.endIndex
            out += maskURL(String(tail[..<end]))
            rest = tail[end...]
        }
        return out + rest
    }

    private static func isOpaque(_ segment: String) -> Bool {
        segment.count >= 24 && segment.contains(where: \.isNumber) && segment.contains(where: \.isLetter)
            && segment.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.~%".contains($0)) }
    }
}
