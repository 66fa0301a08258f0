import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A throw-away PostgreSQL server for tests: `initdb` into a temporary
/// directory, `postgres` on a free loopback port with its socket in that
/// directory, trust authentication, removed when stopped (or when the test
/// process exits). Uses Debian's binaries (/usr/lib/postgresql/*/bin,
/// installed by `make deps-test`). Run as root, the server runs as the
/// `postgres` user. It accepts TLS with a self-signed certificate.
///
/// `shared()` is one cluster for the whole test process: each test takes a
/// database of its own (`createDatabase()`). A test that stops the server
/// starts a cluster of its own.
public final class PostgresCluster: Sendable {
    public let port: Int
    public let directory: String
    /// The superuser the tests connect as (any password is accepted).
    public let user = "callhook"
    private let bin: String
    private let runAs: [String]

    public struct Failure: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// The process's shared cluster, started on first use.
    public static func shared() async throws -> PostgresCluster {
        try await SharedCluster.instance.get()
    }

    /// A new cluster of its own, started.
    public static func start() async throws -> PostgresCluster {
        let cluster = try await offThePool { try PostgresCluster() }
        try await cluster.startServer()
        ClusterRegistry.add(cluster)
        return cluster
    }

    private init() throws {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        guard let version = versions.compactMap(Int.init).max() else {
            throw Failure(message: "PostgreSQL is not installed (/usr/lib/postgresql/*/bin); run `make deps-test`")
        }
        bin = "/usr/lib/postgresql/\(version)/bin"
        var template = Array((NSTemporaryDirectory() + "/callhook-pg-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw Failure(message: "cannot create a temporary directory") }
        directory = String(cString: made)
        port = try Self.freePort()
        if getuid() == 0 {
            runAs = ["runuser", "-u", "postgres", "--"]
            guard chmod(directory, 0o700) == 0, Self.chown(directory, to: "postgres") else {
                throw Failure(message: "cannot give \(directory) to the postgres user")
            }
        } else {
            runAs = []
        }
        let result = try Self.runSync(
            runAs + ["\(bin)/initdb", "-D", directory + "/data", "-U", user, "-A", "trust", "--no-sync", "-E", "UTF8"])
        guard result.status == 0 else { throw Failure(message: "initdb failed:\n\(result.output)") }
        // A self-signed certificate: the server accepts TLS (`sslmode=require`).
        let data = directory + "/data"
        let cert = try Self.runSync(
            runAs + [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                "-keyout", data + "/server.key", "-out", data + "/server.crt",
            ])
        guard cert.status == 0, try Self.runSync(runAs + ["chmod", "600", data + "/server.key"]).status == 0 else {
            throw Failure(message: "cannot make the server's certificate:\n\(cert.output)")
        }
    }

    /// The URL of `database` (a `[queue] url`).
    public func url(_ database: String) -> String { "postgres://\(user)@127.0.0.1:\(port)/\(database)" }

    /// Creates an empty database with a fresh name; returns its URL.
    public func createDatabase() async throws -> String {
        let name = "t" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        try await psql("postgres", "CREATE DATABASE \(name)")
        return url(String(name))
    }

    /// Runs SQL through `psql` over the socket; returns its output.
    @discardableResult
    public func psql(_ database: String, _ sql: String) async throws -> String {
        let r = try await ChildProcess.run(
            [
                "\(bin)/psql", "-h", directory, "-p", "\(port)", "-U", user, "-d", database, "-v", "ON_ERROR_STOP=1", "-tA", "-c",
                sql,
            ],
            mergeErrors: true)
        guard r.status == 0 else { throw Failure(message: "psql failed (\(sql)):\n\(r.output)") }
        return r.output
    }

    /// Starts the server (again) on the same port; returns once it accepts connections.
    public func startServer() async throws {
        let options =
            "-p \(port) -k \(directory) -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 -c ssl=on"
        // Not through a pipe: the server would inherit its write end, and
        // reading to its end would wait for the server to exit.
        let arguments =
            runAs + [
                "\(bin)/pg_ctl", "-D", directory + "/data", "-l", directory + "/server.log", "-o", options, "-w", "start",
            ]
        let output = directory + "/pg_ctl.out"
        let r = try await offThePool { try Self.runSync(arguments, outputFile: output) }
        guard r.status == 0 else {
            let log = (try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? ""
            throw Failure(message: "postgres did not start:\n\(r.output)\n\(log)")
        }
    }

    /// Stops the server (fast shutdown: sessions are disconnected).
    public func stopServer() async throws {
        let arguments = runAs + ["\(bin)/pg_ctl", "-D", directory + "/data", "-m", "fast", "-w", "stop"]
        let r = try await offThePool { try Self.runSync(arguments) }
        guard r.status == 0 else { throw Failure(message: "pg_ctl stop failed:\n\(r.output)") }
    }

    /// Stops the server at once and removes the directory.
    public func destroy() {
        _ = try? Self.runSync(runAs + ["\(bin)/pg_ctl", "-D", directory + "/data", "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
        ClusterRegistry.remove(self)
    }

    // MARK: Helpers

    /// A free port below the kernel's ephemeral range (32768 and up on
    /// Linux), so that no outgoing connection or `bind` to port 0 of the
    /// other tests can take it between this check and the server's start
    /// (or its restart in the outage test).
    static func freePort() throws -> Int {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let port = Int.random(in: 20_000..<32_000, using: &rng)
            if canBind(port) { return port }
        }
        throw Failure(message: "cannot find a free port in 20000-31999")
    }

    private static func canBind(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = UInt16(port).bigEndian
        let len = socklen_t(MemoryLayout<sockaddr_in>.size)
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 }
        }
    }

    static func chown(_ path: String, to user: String) -> Bool {
        guard let pw = getpwnam(user) else { return false }
        return Glibc.chown(path, pw.pointee.pw_uid, pw.pointee.pw_gid) == 0
    }

    /// Blocking: only from `offThePool` or from the exit handler. The
    /// output goes to a file (`outputFile`, else a temporary one). Spawned
    /// and reaped directly (`posix_spawnp`, `waitpid`) with no other file
    /// descriptor inherited: `pg_ctl start` leaves a server behind, which
    /// must neither keep this waiting nor hold the tests' sockets.
    static func runSync(_ arguments: [String], outputFile: String? = nil) throws -> ChildProcess.Result {
        let path = outputFile ?? NSTemporaryDirectory() + "/callhook-pg-out-\(UUID().uuidString)"
        defer { if outputFile == nil { try? FileManager.default.removeItem(atPath: path) } }
        // Nothing else of this process's is inherited: the server outlives
        // the call and would keep the tests' listening sockets open.
        let child = try SpawnedProcess(arguments, stdout: .file(path), stderr: .standardOutput)
        let code = child.waitUntilExit()
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return ChildProcess.Result(status: code, output: text)
    }

}
