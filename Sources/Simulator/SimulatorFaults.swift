/// Faults the simulator can inject, to test clients against (all off by
/// default). "The first calls stream" is the first connection to
/// `/extensions/phone/calls` after start; later connections behave.
public struct SimulatorFaults: Sendable, Equatable {
    /// The first `loginFailures` logins (`POST /login`) answer `loginStatus`.
    public var loginFailures = 0
    public var loginStatus = 500
    /// Every login and refresh answers `loginStatus` for this long from the
    /// first login attempt (an account whose credentials are refused for a
    /// while); then they succeed again.
    public var loginFailureWindow: Duration?
    /// The login-failure window starts after this many call events instead:
    /// then every token is revoked and every stream closed, so connected
    /// clients have to log in again, and cannot until the window ends.
    public var loginFailureAfter: Int?
    /// Every calls stream is closed after it has sent this many call events.
    public var dropEvery: Int?
    /// The first calls stream goes silent (no events, no keepalives) after
    /// this many call events, and stays open.
    public var silentAfter: Int?
    /// The first calls stream sends a malformed JSON event after this many.
    public var malformedAfter: Int?
    /// The first calls stream sends one 2 MiB data line after this many.
    public var oversizedAfter: Int?
    /// The first calls stream sends a data line of 4 KiB of random bytes
    /// (no CR or LF; invalid UTF-8 likely) after this many.
    public var garbageAfter: Int?
    /// The first `dropStreamAtHangup` hang-ups are sent while no calls
    /// stream is connected: every calls stream is closed just before each
    /// of them, and clients that reconnect have missed it.
    public var dropStreamAtHangup = 0

    public init() {}

    /// What the first calls stream sends before its event number `sent + 1`.
    func injection(sent: Int, random: inout some RandomNumberGenerator) -> [UInt8] {
        var out: [UInt8] = []
        if malformedAfter == sent { out += Array("data: {\"uuid\": \"broken\", \"state\": \n\n".utf8) }
        if oversizedAfter == sent {
            out += Array("data: {\"uuid\":\"".utf8)
            out += [UInt8](repeating: UInt8(ascii: "x"), count: 2 << 20)
            out += Array("\"}\n\n".utf8)
        }
        if garbageAfter == sent {
            out += Array("data: ".utf8)
            out += (0..<4096).map { _ in UInt8.random(in: 0...255, using: &random) }.filter { $0 != 10 && $0 != 13 }
            out += Array("\n\n".utf8)
        }
        return out
    }
}
