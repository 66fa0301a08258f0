import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A loopback port that refuses connections and that nobody else can take:
/// a socket bound to it that never listens. A port found free and then
/// closed could be handed to another test's listener a moment later (and
/// that listener would answer requests meant to fail).
public final class RefusingPort: Sendable {
    public let port: Int
    private let fd: Mutex<Int32>

    public init() throws {
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard s >= 0 else { throw SpawnFailure(message: "socket: \(String(cString: strerror(errno)))") }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, len) == 0 && getsockname(s, $0, &len) == 0 }
        }
        guard bound else {
            close(s)
            throw SpawnFailure(message: "bind: \(String(cString: strerror(errno)))")
        }
        port = Int(UInt16(bigEndian: addr.sin_port))
        fd = Mutex(s)
    }

    /// Lets the port go, for a server of the test to listen on it.
    public func release() {
        fd.withLock { s in
            if s >= 0 { close(s) }
            s = -1
        }
    }

    deinit { release() }
}
