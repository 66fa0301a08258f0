/// The text of Server-Sent Events frames the agent stream writes.
///
/// Each frame ends with an empty line, so a frame is always complete on
/// its own and can be written as one chunk.
public enum SSEFrame {
    /// `id: N`, `event: KIND`, `data: JSON`.
    public static func event(id: UInt64, name: String, data: String) -> String {
        "id: \(id)\nevent: \(name)\ndata: \(data)\n\n"
    }

    /// A comment line that keeps proxies and the client's idle timer happy.
    public static let keepalive = ": keepalive\n\n"

    /// The reconnection delay hint, sent first on every stream.
    public static func retry(milliseconds: Int) -> String { "retry: \(milliseconds)\n\n" }
}
