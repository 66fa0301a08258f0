import Curl
import Foundation
import Testing

/// A self-signed HTTPS server (Python's ssl module) and its certificate.
final class SelfSignedServer {
    let dir: URL
    let process: Process
    let port: Int
    var certFile: String { dir.appendingPathComponent("cert.pem").path }

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callhook-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-keyout", dir.appendingPathComponent("key.pem").path, "-out", dir.appendingPathComponent("cert.pem").path,
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
        ]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        let script = """
            import http.server, ssl, sys
            class H(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    self.send_response(200); self.send_header('Content-Length', '6'); self.end_headers(); self.wfile.write(b'secure')
                def log_message(self, *a): pass
            s = http.server.HTTPServer(('127.0.0.1', 0), H)
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(sys.argv[1], sys.argv[2])
            s.socket = ctx.wrap_socket(s.socket, server_side=True)
            print(s.server_address[1], flush=True)
            s.serve_forever()
            """
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c", script, dir.appendingPathComponent("cert.pem").path, dir.appendingPathComponent("key.pem").path,
        ]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let d = out.fileHandleForReading.availableData
            if d.isEmpty { break }
            line.append(d)
        }
        port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    func stop() {
        // SIGKILL: a child of the test runner may inherit a mask that blocks SIGTERM.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: dir)
    }
}

@Suite("TLS verification")
struct TLSTests {
    @Test("a self-signed server is refused unless its CA is given")
    func selfSigned() async throws {
        let server = try SelfSignedServer()
        defer { server.stop() }
        try #require(server.port > 0)
        let client = HTTPClient()
        defer { client.shutdown() }
        let url = "https://127.0.0.1:\(server.port)/"
        do {
            _ = try await client.execute(HTTPRequest(url: url, timeout: .seconds(3)))
            Issue.record("an untrusted certificate was accepted")
        } catch {
            #expect(error.kind == .tls)
            #expect(error.isRetryable, "an operator may fix the trust store")
        }
        let trusted = try await client.execute(
            HTTPRequest(url: url, timeout: .seconds(3), tls: TLSOptions(caFile: server.certFile)))
        #expect(trusted.status == 200)
        #expect(trusted.text == "secure")
    }
}
