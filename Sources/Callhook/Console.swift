import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Output for long-running commands: ordinary lines, plus one live status
/// line kept at the bottom when the output is a terminal. The demo uses
/// stdout; `run` and `sim` use stderr, where their logs go.
public final class Console: Sendable {
    public let isTerminal: Bool
    private let fd: Int32
    private let status = Mutex<String>("")

    public init(fileDescriptor: Int32 = STDOUT_FILENO) {
        fd = fileDescriptor
        isTerminal = isatty(fileDescriptor) != 0
    }

    /// Prints lines above the status line.
    public func print(_ text: String) {
        status.withLock { current in
            var out = ""
            if isTerminal && !current.isEmpty { out += "\r\u{1B}[2K" }
            out += text
            if !text.hasSuffix("\n") { out += "\n" }
            if isTerminal && !current.isEmpty { out += current }
            write(out)
        }
    }

    /// Replaces the status line (on a terminal) or prints it as a line.
    public func setStatus(_ text: String) {
        status.withLock { current in
            if isTerminal {
                current = text
                write("\r\u{1B}[2K" + text)
            } else {
                write(text + "\n")
            }
        }
    }

    /// Ends the status line so the shell prompt starts on a fresh line.
    public func finishStatus() {
        status.withLock { current in
            if isTerminal && !current.isEmpty { write("\n") }
            current = ""
        }
    }

    private func write(_ s: String) {
        var s = s
        s.withUTF8 { buf in
            var offset = 0
            while offset < buf.count {
                let n = Glibc.write(fd, buf.baseAddress! + offset, buf.count - offset)
                if n <= 0 { break }
                offset += n
            }
        }
    }
}
