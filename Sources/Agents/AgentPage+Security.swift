import COpenSSL
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension AgentPage {
    /// A `Content-Security-Policy` for the page: its one inline style and
    /// one inline script are allowed by their SHA-256 hashes, it may
    /// connect only to its own origin (the event stream), and loads nothing
    /// else. Serve it with the page so that even a caller name that somehow
    /// became markup could not run script or send the token elsewhere.
    public static let contentSecurityPolicy: String =
        "default-src 'none'; script-src '\(hashSource(script))'; style-src '\(hashSource(style))'; "
        + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    /// `sha256-BASE64` of an inline element's exact text.
    static func hashSource(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        _ = bytes.withUnsafeBytes { b in EVP_Digest(b.baseAddress, b.count, &digest, &length, EVP_sha256(), nil) }
        return "sha256-" + Data(digest).base64EncodedString()
    }
}
