import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension SQLiteDeliveryStore {
    /// Makes the queue's files owner-only before SQLite writes a byte.
    ///
    /// The queue holds rendered requests, tokens included. SQLite creates
    /// `-wal` and `-shm` with the mode of the main file, so the main file is
    /// created here with 0600 (not by SQLite with 0644 and chmod-ed later);
    /// files left by an older version are tightened. A directory callhook
    /// creates is 0700. A file that cannot be made private is an error.
    static func preparePrivateFiles(path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw OpenError(path: path, reason: "cannot create its directory: \(error.localizedDescription)")
            }
        }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if fd < 0 {
            // A read-only file is left to SQLite, which says why it fails.
            if errno == EACCES || errno == EROFS { return }
            throw OpenError(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        if fchmod(fd, 0o600) != 0 {
            throw OpenError(path: path, reason: "cannot make it owner-only (chmod 600): \(String(cString: strerror(errno)))")
        }
        for suffix in ["-wal", "-shm", "-journal"] where FileManager.default.fileExists(atPath: path + suffix) {
            _ = chmod(path + suffix, 0o600)
        }
    }
}
