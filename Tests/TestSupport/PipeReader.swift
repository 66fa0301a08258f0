import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reads from a pipe with `read(2)`, retrying a read a signal interrupted.
///
/// Foundation's `readDataToEndOfFile()` and `availableData` trap on any
/// read error, EINTR included: when one test crashes, the runtime stops
/// every other thread with a signal, and a test reading a pipe at that
/// moment crashed too.
public enum PipeReader {
    /// Everything up to end of file.
    public static func readToEnd(_ fd: Int32) -> Data {
        var data = Data()
        while let chunk = read(fd), !chunk.isEmpty { data.append(chunk) }
        return data
    }

    /// Up to and including the first newline, or to end of file.
    public static func readLine(_ fd: Int32) -> Data {
        var data = Data()
        while !data.contains(UInt8(ascii: "\n")), let chunk = read(fd), !chunk.isEmpty { data.append(chunk) }
        return data
    }

    /// One read: the bytes, empty at end of file, nil on an error.
    static func read(_ fd: Int32) -> Data? {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n >= 0 { return Data(buffer[0..<n]) }
            if errno != EINTR { return nil }
        }
    }
}
