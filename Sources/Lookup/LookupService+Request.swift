import Curl

extension LookupService {
    /// `GET url?PhoneNumber=<number>` with the configured headers. The
    /// number is percent-encoded (`+` becomes `%2B`); a URL that already
    /// has a query gets `&PhoneNumber=`.
    static func request(for number: String, settings: LookupSettings) -> HTTPRequest {
        let separator = settings.url.contains("?") ? "&" : "?"
        return HTTPRequest(
            method: "GET", url: settings.url + separator + "PhoneNumber=" + percentEncoded(number),
            headers: [("Accept", "application/json")] + settings.headers, timeout: settings.effectiveRequestTimeout,
            connectTimeout: min(.seconds(3), settings.effectiveRequestTimeout), maxResponseBytes: settings.maxAnswerBytes)
    }

    /// What a request's response or error means for the caller.
    static func outcome(of request: HTTPRequest, maxBytes: Int, fetch: Fetch) async -> LookupOutcome {
        let response: HTTPResponse
        do {
            response = try await fetch(request)
        } catch let error as HTTPClientError {
            switch error.kind {
            case .timeout: return .unavailable(.timeout)
            case .cancelled, .shutdown: return .unavailable(.cancelled)
            default: return .unavailable(.transport(error.description))
            }
        } catch is CancellationError {
            return .unavailable(.cancelled)
        } catch {
            return .unavailable(.transport(String(describing: type(of: error))))
        }
        return outcome(of: response, maxBytes: maxBytes)
    }

    /// 2xx with a JSON array → found or not found; 404 → the service is not
    /// reachable (the protocol answers an unknown number with `200 []`);
    /// anything else, or an unreadable body → unavailable.
    static func outcome(of response: HTTPResponse, maxBytes: Int) -> LookupOutcome {
        switch response.status {
        case 200..<300: break
        case 404: return .unavailable(.serviceNotFound)
        default: return .unavailable(.status(response.status))
        }
        if response.bodyTruncated { return .unavailable(.badAnswer(.tooLarge(limit: maxBytes))) }
        do {
            let contacts = try Contact.parseList(response.body, maxBytes: maxBytes)
            return LookupResult(contacts: contacts).map { .found($0) } ?? .notFound
        } catch {
            return .unavailable(.badAnswer(error))
        }
    }

    /// Everything but RFC 3986's unreserved characters is percent-encoded.
    static func percentEncoded(_ s: String) -> String {
        var out = ""
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF")
                out += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0xF)])
            }
        }
        return out
    }
}
