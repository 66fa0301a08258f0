import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A self-signed HTTPS server (Python's ssl module) and its certificate.
///
public final class SelfSignedServer: Sendable {
    let dir: URL
    let process: SpawnedProcess
    public let port: Int
    public var certFile: String { dir.appendingPathComponent("cert.pem").path }

    /// Makes the certificate and starts the server on a thread of its own
    /// (key generation and the wait for the port line block).
    public static func start() async throws -> SelfSignedServer {
        try await offThePool { try SelfSignedServer() }
    }

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callhook-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let openssl = try SpawnedProcess([
            "/usr/bin/env", "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-keyout", dir.appendingPathComponent("key.pem").path, "-out", dir.appendingPathComponent("cert.pem").path,
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
        ])
        openssl.waitUntilExit()
        let script = """
            import http.server, ssl, sys
            class H(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    self.send_response(200); self.send_header('Content-Length', '6'); self.end_headers(); self.wfile.write(b'secure')
                def do_POST(self):
                    self.rfile.read(int(self.headers.get('Content-Length', '0')))
                    self.send_response(204); self.end_headers()
                def log_message(self, *a): pass
            s = http.server.HTTPServer(('127.0.0.1', 0), H)
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(sys.argv[1], sys.argv[2])
            s.socket = ctx.wrap_socket(s.socket, server_side=True)
            print(s.server_address[1], flush=True)
            s.serve_forever()
            """
        let out = try SpawnPipe()
        defer { out.closeRead() }
        do {
            process = try SpawnedProcess(
                [
                    "/usr/bin/env", "python3", "-c", script, dir.appendingPathComponent("cert.pem").path,
                    dir.appendingPathComponent("key.pem").path,
                ], stdout: .descriptor(out.write))
        } catch {
            out.closeWrite()
            throw error
        }
        out.closeWrite()
        let line = out.readLine()
        port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    public func stop() {
        process.signal(SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: dir)
    }
}
