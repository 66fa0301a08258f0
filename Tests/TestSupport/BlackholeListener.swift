#if canImport(Glibc)
    import Glibc
#endif

/// A listening socket on 127.0.0.1 whose accept queue is full, so a further
/// connection attempt gets no answer at all: the way to make a connect
/// timeout fire on loopback.
public final class BlackholeListener: Sendable {
    public let port: Int
    private let fds: [Int32]

    public init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw WaitTimeout() }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        _ = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        listen(listener, 0)
        var bound = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &len) }
        }
        let port = Int(UInt16(bigEndian: bound.sin_port))
        var fds = [listener]
        // Fill the accept queue (backlog 0 holds one, keep a margin).
        for _ in 0..<3 {
            let c = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            _ = fcntl(c, F_SETFL, O_NONBLOCK)
            var to = bound
            _ = withUnsafePointer(to: &to) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(c, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            fds.append(c)
        }
        self.port = port
        self.fds = fds
    }

    deinit { for fd in fds { close(fd) } }
}
