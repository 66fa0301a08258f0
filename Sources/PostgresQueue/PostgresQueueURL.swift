import Foundation
import NIOSSL
import PostgresNIO

/// `[queue] url = "postgres://user:password@host:port/database?sslmode=…"`,
/// read into a client configuration.
///
/// `sslmode`: `disable` (plain), `prefer` (TLS when the server offers it;
/// the default, as for libpq), `require` (TLS or no connection), and
/// `verify-full` (TLS with the server's certificate and name checked,
/// against `sslrootcert` when given, else the system's roots). With
/// `disable`, `prefer` and `require` the certificate is not checked, as
/// with libpq.
public struct PostgresQueueURL: Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    var password: String?
    public var database: String
    public var sslMode: String
    var rootCertificate: String?

    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    public init(_ text: String) throws {
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://"), let url = URLComponents(string: text) else {
            throw Invalid(description: "[queue] url: expected postgres://user:password@host:port/database")
        }
        guard let host = url.host, !host.isEmpty else { throw Invalid(description: "[queue] url: the host is missing") }
        self.host = host
        port = url.port ?? 5432
        user = url.user.flatMap { $0.removingPercentEncoding } ?? "postgres"
        password = url.password.flatMap { $0.removingPercentEncoding }
        let path = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        database = path.isEmpty ? user : (path.removingPercentEncoding ?? path)
        sslMode = "prefer"
        for item in url.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                let mode = item.value ?? ""
                guard ["disable", "prefer", "require", "verify-full"].contains(mode) else {
                    throw Invalid(
                        description: "[queue] url: sslmode must be disable, prefer, require or verify-full, got \(mode)")
                }
                sslMode = mode
            case "sslrootcert": rootCertificate = item.value
            default:
                throw Invalid(description: "[queue] url: unknown parameter \(item.name) (known: sslmode, sslrootcert)")
            }
        }
    }

    /// The URL without its password, for messages and logs.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)?sslmode=\(sslMode)" }

    func configuration() throws -> PostgresClient.Configuration {
        var tlsConfig = TLSConfiguration.makeClientConfiguration()
        if sslMode == "verify-full" {
            if let rootCertificate { tlsConfig.trustRoots = .file(rootCertificate) }
        } else {
            tlsConfig.certificateVerification = .none
        }
        let tls: PostgresClient.Configuration.TLS =
            switch sslMode {
            case "disable": .disable
            case "prefer": .prefer(tlsConfig)
            default: .require(tlsConfig)
            }
        var c = PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tls)
        c.options.connectTimeout = .seconds(5)
        c.options.maximumConnections = 8
        c.options.keepAliveBehavior = .init(frequency: .seconds(10))
        return c
    }
}
