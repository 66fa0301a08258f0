import Foundation
import Synchronization

/// Clusters still running: stopped and removed when the test process
/// exits, whichever way its tests ended.
enum ClusterRegistry {
    private static let clusters = Mutex<[ObjectIdentifier: PostgresCluster]>([:])
    private static let installed = Mutex(false)

    static func add(_ cluster: PostgresCluster) {
        clusters.withLock { $0[ObjectIdentifier(cluster)] = cluster }
        let first = installed.withLock { done -> Bool in
            defer { done = true }
            return !done
        }
        if first { atexit { ClusterRegistry.destroyAll() } }
    }

    static func remove(_ cluster: PostgresCluster) {
        _ = clusters.withLock { $0.removeValue(forKey: ObjectIdentifier(cluster)) }
    }

    static func destroyAll() {
        for cluster in clusters.withLock({ Array($0.values) }) { cluster.destroy() }
    }
}
