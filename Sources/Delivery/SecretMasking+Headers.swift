extension SecretMasking {
    /// Header names whose values are always masked: Authorization,
    /// Proxy-Authorization, Cookie, Set-Cookie, X-Api-Key and any name with
    /// token, secret, key, password, signature, auth or session in it.
    public static func isSecretHeader(_ name: String) -> Bool {
        let n = name.lowercased()
        return ["token", "secret", "key", "password", "signature", "auth", "cookie", "session"].contains { n.contains($0) }
    }
}
