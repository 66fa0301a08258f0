import CCurl

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One request in flight: its easy handle, the memory libcurl reads from,
/// and what it has received so far.
///
/// `@unchecked Sendable`: a transfer is configured on the caller's thread
/// before it is handed to the loop, and from then on every mutable field is
/// touched only on the loop thread (libcurl calls the callbacks there). The
/// one exception, `channel`, is itself thread-safe.
final class Transfer: @unchecked Sendable {
    enum Waiter {
        case response(CheckedContinuation<HTTPResponse, any Error>)
        case head(CheckedContinuation<HTTPResponseHead, any Error>)
        /// Called on the loop thread (`HTTPClient.send`).
        case callback(@Sendable (Result<HTTPResponse, HTTPClientError>) -> Void)
        case none
    }

    let easy: UnsafeMutableRawPointer
    let maxResponseBytes: Int
    /// Set for streamed responses: body chunks go here instead of `body`.
    let channel: ByteChannel?
    var waiter: Waiter = .none
    var finished = false

    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var requestBody: UnsafeMutableRawPointer?
    private let urlCString: UnsafeMutablePointer<CChar>
    private let methodCString: UnsafeMutablePointer<CChar>
    private var caFileCString: UnsafeMutablePointer<CChar>?
    let errorBuffer: UnsafeMutablePointer<CChar>

    private(set) var status = 0
    private(set) var headers: [(name: String, value: String)] = []
    private var headComplete = false
    private(set) var body: [UInt8] = []
    private(set) var truncated = false

    init(request: HTTPRequest, streaming: Bool) throws(HTTPClientError) {
        guard let easy = curl_easy_init() else {
            throw HTTPClientError(kind: .transport, message: "curl_easy_init failed")
        }
        self.easy = easy
        self.maxResponseBytes = max(0, request.maxResponseBytes)
        self.channel = streaming ? ByteChannel() : nil
        self.urlCString = strdup(request.url)
        self.methodCString = strdup(request.method.uppercased())
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        try configure(request)
    }

    deinit {
        curl_easy_cleanup(easy)
        curl_slist_free_all(headerList)
        requestBody?.deallocate()
        free(urlCString)
        free(methodCString)
        free(caFileCString)
        errorBuffer.deallocate()
    }

    private func configure(_ request: HTTPRequest) throws(HTTPClientError) {
        let me = Unmanaged.passUnretained(self).toOpaque()
        var ok = true
        func long(_ o: CURLoption, _ v: Int) { ok = ok && callhook_easy_setopt_long(easy, o, v) == CURLE_OK }
        func ptr(_ o: CURLoption, _ v: UnsafeRawPointer?) { ok = ok && callhook_easy_setopt_ptr(easy, o, v) == CURLE_OK }

        ptr(CURLOPT_URL, urlCString)
        ptr(CURLOPT_PROTOCOLS_STR, "http,https")
        long(CURLOPT_NOSIGNAL, 1)
        long(CURLOPT_FOLLOWLOCATION, 0)
        long(CURLOPT_TCP_KEEPALIVE, 1)
        // Waiting for a connection to learn whether it multiplexes only pays
        // off where HTTP/2 can be negotiated (TLS/ALPN, known at the
        // handshake). On plain http:// it would hold every request to a host
        // behind the first one's answer, so a slow answer blocks the rest.
        long(CURLOPT_PIPEWAIT, request.url.lowercased().hasPrefix("https://") ? 1 : 0)
        long(CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS)
        ptr(CURLOPT_ERRORBUFFER, errorBuffer)
        ptr(CURLOPT_PRIVATE, me)
        long(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(request.connectTimeout))
        long(CURLOPT_TIMEOUT_MS, request.timeout.map(Self.milliseconds) ?? 0)
        long(CURLOPT_SSL_VERIFYPEER, request.tls.verify ? 1 : 0)
        long(CURLOPT_SSL_VERIFYHOST, request.tls.verify ? 2 : 0)
        if let ca = request.tls.caFile {
            // CAINFO names the extra file; CAPATH (the system directory,
            // libcurl's default) stays in effect, so both are trusted.
            caFileCString = strdup(ca)
            ptr(CURLOPT_CAINFO, caFileCString)
        }
        ok = ok && callhook_easy_setopt_datacb(easy, CURLOPT_WRITEFUNCTION, transferWriteCallback) == CURLE_OK
        ptr(CURLOPT_WRITEDATA, me)
        ok = ok && callhook_easy_setopt_datacb(easy, CURLOPT_HEADERFUNCTION, transferHeaderCallback) == CURLE_OK
        ptr(CURLOPT_HEADERDATA, me)

        let method = request.method.uppercased()
        if let body = request.body {
            let raw = UnsafeMutableRawPointer.allocate(byteCount: max(body.count, 1), alignment: 1)
            body.withUnsafeBytes { raw.copyMemory(from: $0.baseAddress!, byteCount: body.count) }
            requestBody = raw
            ok = ok && callhook_easy_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)) == CURLE_OK
            ptr(CURLOPT_POSTFIELDS, raw)
            if method != "POST" { ptr(CURLOPT_CUSTOMREQUEST, methodCString) }
        } else if method == "GET" {
            long(CURLOPT_HTTPGET, 1)
        } else if method == "HEAD" {
            long(CURLOPT_NOBODY, 1)
        } else {
            ptr(CURLOPT_CUSTOMREQUEST, methodCString)
        }

        var list: UnsafeMutablePointer<curl_slist>? = nil
        for (name, value) in request.headers {
            // Header values are stripped of CR/LF by the renderer; this is the
            // last guard so a request can never be split here.
            let clean = String(
                String.UnicodeScalarView(value.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F || $0 == "\t" }))
            let line = clean.isEmpty ? "\(name);" : "\(name): \(clean)"
            list = curl_slist_append(list, line)
        }
        // No "Expect: 100-continue" round trip for larger bodies.
        list = curl_slist_append(list, "Expect:")
        headerList = list
        ptr(CURLOPT_HTTPHEADER, list)

        if !ok {
            throw HTTPClientError(kind: .invalidRequest, message: "libcurl rejected an option of this request")
        }
    }

    private static func milliseconds(_ d: Duration) -> Int {
        let (s, atto) = d.components
        return max(1, Int(s) * 1000 + Int(atto / 1_000_000_000_000_000))
    }

    // MARK: - Callbacks (loop thread)

    func receiveHeader(_ bytes: UnsafeRawBufferPointer) {
        var end = bytes.count
        while end > 0 && (bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D) { end -= 1 }
        let line = String(decoding: bytes[0..<end], as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            let parts = line.split(separator: " ", maxSplits: 2)
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            headers.removeAll()
            headComplete = false
            return
        }
        if line.isEmpty {
            if status >= 200 || status == 0 {
                headComplete = true
                deliverHead()
            }
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = String(line[..<colon])
        let value = line[line.index(after: colon)...].trimmingCharacters(in: " \t")
        headers.append((name, value))
    }

    /// Returns false to pause the transfer (streaming reader is behind).
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if let channel {
            if !headComplete {
                headComplete = true
                deliverHead()
            }
            return channel.push(Array(bytes))
        }
        let room = maxResponseBytes - body.count
        if bytes.count <= room {
            body.append(contentsOf: bytes)
        } else {
            if room > 0 { body.append(contentsOf: bytes.prefix(room)) }
            truncated = true
        }
        return true
    }

    private func deliverHead() {
        if case .head(let c) = waiter {
            waiter = .none
            c.resume(returning: HTTPResponseHead(status: status, headers: headers))
        }
    }

    /// Completes the transfer: resumes whoever waits and ends the stream.
    func complete(_ result: Result<Void, HTTPClientError>) {
        guard !finished else { return }
        finished = true
        let w = waiter
        waiter = .none
        switch result {
        case .success:
            switch w {
            case .response(let c): c.resume(returning: makeResponse())
            case .head(let c): c.resume(returning: HTTPResponseHead(status: status, headers: headers))
            case .callback(let done): done(.success(makeResponse()))
            case .none: break
            }
            channel?.finish(nil)
        case .failure(let error):
            switch w {
            case .response(let c): c.resume(throwing: error)
            case .head(let c): c.resume(throwing: error)
            case .callback(let done): done(.failure(error))
            case .none: break
            }
            channel?.finish(error)
        }
    }

    private func makeResponse() -> HTTPResponse {
        var micros: curl_off_t = 0
        _ = callhook_easy_getinfo_off(easy, CURLINFO_TOTAL_TIME_T, &micros)
        var version = 0
        _ = callhook_easy_getinfo_long(easy, CURLINFO_HTTP_VERSION, &version)
        let v: HTTPVersion =
            switch version {
            case CURL_HTTP_VERSION_1_0: .http1_0
            case CURL_HTTP_VERSION_1_1: .http1_1
            case CURL_HTTP_VERSION_2_0: .http2
            case CURL_HTTP_VERSION_3: .http3
            default: .unknown
            }
        return HTTPResponse(
            status: status, headers: headers, body: body, bodyTruncated: truncated,
            duration: .microseconds(Int64(micros)), httpVersion: v)
    }

    /// Maps a libcurl result to the error a caller can act on.
    func error(for code: CURLcode) -> HTTPClientError {
        let detail = String(cString: errorBuffer)
        let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        let kind: HTTPClientError.Kind
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            var connectMicros: curl_off_t = 0
            _ = callhook_easy_getinfo_off(easy, CURLINFO_CONNECT_TIME_T, &connectMicros)
            kind = connectMicros == 0 ? .connect : .timeout
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            kind = .connect
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CACERT_BADFILE,
            CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_ISSUER_ERROR:
            kind = .tls
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            kind = .invalidRequest
        default:
            kind = .transport
        }
        return HTTPClientError(kind: kind, code: Int(code.rawValue), message: message)
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String { String(self).trimmingCharacters(in: set) }
}

/// libcurl write callback: body bytes of a transfer.
let transferWriteCallback: callhook_data_cb = { data, size, count, userdata in
    guard let userdata, let data else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    let n = size * count
    if transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: n)) { return n }
    return Int(CURL_WRITEFUNC_PAUSE)
}

/// libcurl header callback: one header line of a transfer.
let transferHeaderCallback: callhook_data_cb = { data, size, count, userdata in
    guard let userdata, let data else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    let n = size * count
    transfer.receiveHeader(UnsafeRawBufferPointer(start: data, count: n))
    return n
}
