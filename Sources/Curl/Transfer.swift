import CCurl
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One request in flight: its easy handle, the memory libcurl reads from,
/// and what it has received so far.
///
/// `@unchecked Sendable` because of the easy handle and the response fields
/// next to it (`status`, `headers`, `body`, `truncated`, `headComplete`).
/// Invariant: those are written only in `init` (before the transfer is
/// handed to the loop) and afterwards only on the loop thread, which is the
/// only thread that calls libcurl with `easy` once it is added and the only
/// one that completes a transfer with success. Everything another thread may
/// touch is thread-safe: who waits and whether the transfer has finished are
/// behind `control` (a Mutex), `channel` is itself thread-safe, and the rest
/// is immutable.
final class Transfer: @unchecked Sendable {
    enum Waiter {
        case response(CheckedContinuation<HTTPResponse, any Error>)
        case head(CheckedContinuation<HTTPResponseHead, any Error>)
        /// Called on the loop thread (`HTTPClient.send`).
        case callback(@Sendable (Result<HTTPResponse, HTTPClientError>) -> Void)
        case none
    }

    /// Who waits, and how the transfer ended. A transfer can finish before
    /// anyone waits (cancelled before its continuation was installed); the
    /// failure is kept for the late waiter so it is resumed exactly once.
    struct Control {
        var waiter: Waiter = .none
        var finished = false
        var failure: HTTPClientError?
    }

    let easy: UnsafeMutableRawPointer
    let maxResponseBytes: Int
    /// Set for streamed responses: body chunks go here instead of `body`.
    let channel: ByteChannel?
    private let control = Mutex(Control())
    /// Live easy handles of the client this transfer belongs to.
    private let handles: HandleCount

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

    init(request: HTTPRequest, streaming: Bool, handles: HandleCount) throws(HTTPClientError) {
        guard let easy = handles.take() else {
            throw HTTPClientError(kind: .transport, message: "curl_easy_init failed")
        }
        self.easy = easy
        self.handles = handles
        self.maxResponseBytes = max(0, request.maxResponseBytes)
        self.channel = streaming ? ByteChannel() : nil
        self.urlCString = strdup(request.url)
        self.methodCString = strdup(request.method.uppercased())
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        try configure(request)
    }

    deinit {
        handles.giveBack(easy)
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
        long(CURLOPT_PIPEWAIT, Self.isHTTPS(request.url) ? 1 : 0)
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
        for (name, value) in request.headers { list = Self.append(list, name: name, value: value) }
        // No "Expect: 100-continue" round trip for larger bodies.
        list = curl_slist_append(list, "Expect:")
        headerList = list
        ptr(CURLOPT_HTTPHEADER, list)

        if !ok {
            throw HTTPClientError(kind: .invalidRequest, message: "libcurl rejected an option of this request")
        }
    }

    /// Appends the header line `name: value` (`name;` when the value is
    /// empty: libcurl's form for sending a header with no value), built in
    /// a temporary buffer rather than as a String (libcurl copies it).
    ///
    /// Header values are stripped of CR/LF by the renderer; this is the
    /// last guard so a request can never be split here. Control characters
    /// are single bytes in UTF-8 (every byte of a longer sequence is
    /// >= 0x80): dropping those bytes drops exactly those characters.
    static func append(
        _ list: UnsafeMutablePointer<curl_slist>?, name: String, value: String
    ) -> UnsafeMutablePointer<curl_slist>? {
        let nameCount = name.utf8.count
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: nameCount + value.utf8.count + 3) { line in
            var i = 0
            for b in name.utf8 {
                line[i] = CChar(bitPattern: b)
                i += 1
            }
            line[i] = 0x3A  // ':'
            line[i + 1] = 0x20
            i += 2
            for b in value.utf8 where isHeaderByte(b) {
                line[i] = CChar(bitPattern: b)
                i += 1
            }
            if i == nameCount + 2 {
                line[nameCount] = 0x3B  // ';'
                i = nameCount + 1
            }
            line[i] = 0
            return curl_slist_append(list, line.baseAddress!)
        }
    }

    /// A byte a header value may carry: not a control character, but tab.
    private static func isHeaderByte(_ b: UInt8) -> Bool { (b >= 0x20 && b != 0x7F) || b == 0x09 }

    /// `https://…`, in any case.
    private static func isHTTPS(_ url: String) -> Bool {
        var scheme = url.utf8.prefix(8).makeIterator()
        for expected in "https://".utf8 {
            guard let b = scheme.next(), b | (b >= 0x41 && b <= 0x5A ? 0x20 : 0) == expected else { return false }
        }
        return true
    }

    private static func milliseconds(_ d: Duration) -> Int {
        let (s, atto) = d.components
        return max(1, Int(s) * 1000 + Int(atto / 1_000_000_000_000_000))
    }

    // MARK: - Callbacks (loop thread)

    func receiveHeader(_ bytes: UnsafeRawBufferPointer) {
        // Bytes, not Strings, until a header is kept: a status line and a
        // few header lines per response, on the loop thread.
        var end = bytes.count
        while end > 0 && (bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D) { end -= 1 }
        if end == 0 {
            if status >= 200 || status == 0 {
                headComplete = true
                deliverHead()
            }
            return
        }
        if end > 5 && bytes[0] == 0x48 && bytes[1] == 0x54 && bytes[2] == 0x54 && bytes[3] == 0x50 && bytes[4] == 0x2F {
            // "HTTP/x[.y] NNN reason": the digits after the first space.
            var i = 5
            while i < end && bytes[i] != 0x20 { i += 1 }
            while i < end && bytes[i] == 0x20 { i += 1 }
            var code = 0
            var digits = 0
            while i < end, bytes[i] >= 0x30, bytes[i] <= 0x39, digits < 3 {
                code = code * 10 + Int(bytes[i] - 0x30)
                digits += 1
                i += 1
            }
            status = digits == 3 ? code : 0
            headers.removeAll(keepingCapacity: true)
            headComplete = false
            return
        }
        guard let colon = bytes[0..<end].firstIndex(of: 0x3A) else { return }
        var from = colon + 1
        while from < end && (bytes[from] == 0x20 || bytes[from] == 0x09) { from += 1 }
        var to = end
        while to > from && (bytes[to - 1] == 0x20 || bytes[to - 1] == 0x09) { to -= 1 }
        headers.append(
            (String(decoding: bytes[0..<colon], as: UTF8.self), String(decoding: bytes[from..<to], as: UTF8.self)))
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
        let head: CheckedContinuation<HTTPResponseHead, any Error>? = control.withLock { c in
            guard case .head(let h) = c.waiter else { return nil }
            c.waiter = .none
            return h
        }
        head?.resume(returning: HTTPResponseHead(status: status, headers: headers))
    }

    /// Whether the transfer has ended (completed, failed or cancelled). The
    /// loop does not add a finished transfer.
    var isFinished: Bool { control.withLock { $0.finished } }

    /// Installs who waits for the result. If the transfer has already ended
    /// (it was cancelled before anyone waited), the waiter is resumed at once
    /// with that failure and false is returned: do not hand it to the loop.
    @discardableResult
    func install(_ waiter: Waiter) -> Bool {
        let late: HTTPClientError? = control.withLock { c in
            if c.finished {
                return c.failure ?? HTTPClient.cancelledError
            }
            c.waiter = waiter
            return nil
        }
        guard let late else { return true }
        Self.resume(waiter, with: .failure(late))
        return false
    }

    /// Completes the transfer: resumes whoever waits and ends the stream.
    /// Only the first call counts. Success is only reported on the loop
    /// thread (it reads the response fields).
    func complete(_ result: Result<Void, HTTPClientError>) {
        let w: Waiter? = control.withLock { c in
            guard !c.finished else { return nil }
            c.finished = true
            if case .failure(let e) = result { c.failure = e }
            let w = c.waiter
            c.waiter = .none
            return w
        }
        guard let w else { return }
        switch result {
        case .success:
            switch w {
            case .response, .callback: Self.resume(w, with: .success(makeResponse()))
            case .head(let c): c.resume(returning: HTTPResponseHead(status: status, headers: headers))
            case .none: break
            }
            channel?.finish(nil)
        case .failure(let error):
            Self.resume(w, with: .failure(error))
            channel?.finish(error)
        }
    }

    private static func resume(_ w: Waiter, with result: Result<HTTPResponse, HTTPClientError>) {
        switch (w, result) {
        case (.response(let c), _): c.resume(with: result.mapError { $0 as any Error })
        case (.callback(let done), _): done(result)
        case (.head(let c), .failure(let e)): c.resume(throwing: e)
        case (.head, .success), (.none, _): break
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
