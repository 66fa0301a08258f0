import Foundation
import GRDB

extension SQLiteDeliveryStore {
    /// Refuses a queue written by a newer callhook (it has migrations this
    /// version does not know), and, read-only, one this version would have
    /// to migrate first: reading it could misread rows.
    static func checkSchema(_ pool: DatabasePool, path: String, readOnly: Bool) throws {
        let (superseded, complete) = try pool.read { db in
            (try migrator.hasBeenSuperseded(db), try migrator.hasCompletedMigrations(db))
        }
        if superseded {
            throw OpenError(
                path: path,
                reason: "its schema is newer than this callhook knows (written by a later version); "
                    + "use that version of callhook, this one does not touch it")
        }
        if readOnly && !complete {
            throw OpenError(
                path: path,
                reason: "its schema is older than this callhook; start the daemon of this version once "
                    + "(it upgrades the queue), then run this command again")
        }
    }
}

extension SQLiteDeliveryStore {
    /// For `/readyz`, without waiting for anyone's lock: the file and its
    /// directory can be written (the -wal and -shm files live there) and this
    /// process's last commit did not fail.
    func writableWithoutLocking() -> Bool {
        let directory = (path as NSString).deletingLastPathComponent
        return access(path, W_OK) == 0 && access(directory.isEmpty ? "." : directory, W_OK) == 0
            && !writeHealth.lastWriteFailed
    }
}
