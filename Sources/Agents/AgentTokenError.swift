import Calls

/// Why an agent token was refused (verifying) or could not be made (issuing).
///
/// The messages tell the user what to do and never contain the secret or
/// the token itself. A server answers 401 for `missing`, `malformed`,
/// `forged` and `expired`; `noSecret` means agents are not configured.
public enum AgentTokenError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No token in `Authorization: Bearer` or `?access_token=`.
    case missing
    /// Not a `cha1.` token, bad base64url, bad JSON, too long, or claims
    /// out of bounds.
    case malformed(String)
    /// The MAC does not match: signed with another secret, or edited.
    case forged
    /// The token's expiry has passed.
    case expired(at: EventTime)
    /// `server.agent_secret` is empty: no token can be issued or verified.
    case noSecret
    /// Issuing: the claims are out of bounds (no extension, too many, a bad name).
    case invalidClaims(String)

    public var description: String {
        switch self {
        case .missing:
            "no agent token: send 'Authorization: Bearer TOKEN' or '?access_token=TOKEN'"
        case .malformed(let why):
            "the agent token is malformed (\(why)); issue a new one with 'callhook agent-token'"
        case .forged:
            "the agent token's signature does not match server.agent_secret; issue a new one with 'callhook agent-token'"
        case .expired(let at):
            "the agent token expired at \(at); issue a new one with 'callhook agent-token'"
        case .noSecret:
            "server.agent_secret is not set (or empty): set it to a long random value to use agents"
        case .invalidClaims(let why):
            "cannot issue an agent token: \(why)"
        }
    }
}
