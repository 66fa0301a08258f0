/// One try at sending a delivery, kept with it until `retention`.
public struct Attempt: Sendable {
    /// 1 for the first try.
    public var number: Int
    /// Milliseconds since the epoch.
    public var startedAt: Int64
    public var durationSeconds: Double
    /// The HTTP status, nil when no response came.
    public var status: Int?
    /// What went wrong (transport error or the reason it is dead), nil on success.
    public var error: String?
    /// The first 64 KiB of the response body.
    public var response: [UInt8]

    /// How much of a response body is kept.
    public static let responseLimit = 64 * 1024

    public init(number: Int, startedAt: Int64, durationSeconds: Double, status: Int?, error: String?, response: [UInt8]) {
        self.number = number
        self.startedAt = startedAt
        self.durationSeconds = durationSeconds
        self.status = status
        self.error = error
        self.response = Array(response.prefix(Self.responseLimit))
    }
}
