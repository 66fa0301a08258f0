import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The sink of P3, P7 and the end-to-end rows: Debian's nginx, started by
/// the benchmark on a free loopback port with its own prefix and
/// configuration (not the system service), answering every request with
/// 204. `stub_status` on `/status` counts the requests it has handled.
final class NginxSink: @unchecked Sendable {
    // Safe: the process is started once in init, then only signalled.
    let process: Process
    let port: Int
    let prefix: URL
    var url: String { "http://127.0.0.1:\(port)" }
    /// `BENCH_NGINX_WORKERS` (default 1: the machine has 2 cores, and the
    /// benchmarked process needs one).
    static let workers = ProcessInfo.processInfo.environment["BENCH_NGINX_WORKERS"] ?? "1"

    init() throws {
        guard
            let nginx = ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"].first(where: {
                FileManager.default.isExecutableFile(atPath: $0)
            })
        else { throw BenchError(message: "nginx is not installed (make deps-bench installs it)") }
        prefix = FileManager.default.temporaryDirectory.appendingPathComponent("callhook-bench-nginx-\(getpid())-\(UUID())")
        Spawned.removeOnSignal(prefix)
        try FileManager.default.createDirectory(at: prefix.appendingPathComponent("logs"), withIntermediateDirectories: true)
        port = try Self.freePort()
        let conf = prefix.appendingPathComponent("nginx.conf")
        try """
        worker_processes \(Self.workers);
        pid \(prefix.path)/nginx.pid;
        error_log \(prefix.path)/logs/error.log error;
        events { worker_connections 4096; }
        http {
            access_log off;
            client_body_temp_path \(prefix.path)/body;
            proxy_temp_path \(prefix.path)/proxy;
            fastcgi_temp_path \(prefix.path)/fastcgi;
            uwsgi_temp_path \(prefix.path)/uwsgi;
            scgi_temp_path \(prefix.path)/scgi;
            keepalive_requests 1000000;
            keepalive_timeout 120s;
            server {
                listen 127.0.0.1:\(port) reuseport backlog=4096;
                location = /status { stub_status; }
                location / { return 204; }
            }
        }
        """.write(to: conf, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: nginx)
        p.arguments = ["-p", prefix.path, "-c", conf.path, "-g", "daemon off;"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        Spawned.track(p)
        process = p
        let deadline = Date().addingTimeInterval(10)
        while (try? requests()) == nil {
            guard Date() < deadline, p.isRunning else {
                let log = (try? String(contentsOf: prefix.appendingPathComponent("logs/error.log"), encoding: .utf8)) ?? ""
                stop()
                throw BenchError(message: "nginx did not start:\n\(log)")
            }
            usleep(20_000)
        }
    }

    deinit { stop() }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGQUIT)
            process.waitUntilExit()
        }
        Spawned.untrack(process)
        try? FileManager.default.removeItem(at: prefix)
    }

    /// CPU seconds (user and system) nginx's workers have used so far; nil
    /// when they cannot be read (a kernel without `/proc/PID/task/PID/children`).
    func workerCPUSeconds() -> Double? {
        let pid = process.processIdentifier
        let children = (MemoryBench.procFile("/proc/\(pid)/task/\(pid)/children") ?? "").split(whereSeparator: \.isWhitespace)
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        var total = 0.0
        for child in children {
            // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
            guard let stat = MemoryBench.procFile("/proc/\(child)/stat"), let close = stat.lastIndex(of: ")") else { return nil }
            let fields = stat[stat.index(after: close)...].split(whereSeparator: \.isWhitespace)
            guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
            total += (user + system) / ticks
        }
        return children.isEmpty || ticks <= 0 ? nil : total
    }

    /// Requests nginx has handled so far (from `stub_status`; each read
    /// counts itself too, the caller subtracts its own reads).
    func requests() throws -> Int {
        let text = try Self.get(port: port, path: "/status")
        // "Active connections: 1 \nserver accepts handled requests\n 1 1 1 \n…"
        let lines = text.split(separator: "\n")
        guard let i = lines.firstIndex(where: { $0.contains("accepts handled requests") }), i + 1 < lines.count,
            let n = lines[i + 1].split(separator: " ").last.flatMap({ Int($0) })
        else { throw BenchError(message: "unexpected stub_status answer: \(text)") }
        return n
    }

    /// A plain HTTP/1.0 GET over a socket of its own (blocking; the
    /// benchmark calls it from its own thread or between measurements).
    static func get(port: Int, path: String) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchError(message: "socket failed") }
        defer { close(fd) }
        var addr = loopback(port)
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard ok == 0 else { throw BenchError(message: "connect to 127.0.0.1:\(port) failed") }
        // A server that keeps the connection open after all cannot hang the
        // benchmark: reads give up after 5 s.
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let request = Array("GET \(path) HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            out.append(contentsOf: buffer[0..<n])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func loopback(_ port: Int) -> sockaddr_in {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return addr
    }

    /// A port nothing listens on right now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = loopback(0)
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p -> Bool in
                bind(fd, p, len) == 0 && getsockname(fd, p, &len) == 0
            }
        }
        guard ok else { throw BenchError(message: "no free port") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}
