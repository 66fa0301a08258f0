import Foundation
import RuleEngine

/// How a delivery's composite fields are stored, the same in every store:
/// headers and captures as name/value pairs in one blob, `call.vars` slots
/// as JSON (see `SQLiteDeliveryStore+Schema` and `+LateBound`).
public enum StoredFields {
    public static func encodePairs(_ pairs: [(String, String)]) -> [UInt8] {
        SQLiteDeliveryStore.encodePairs(pairs)
    }

    public static func decodePairs(_ bytes: [UInt8]) -> [(String, String)] {
        SQLiteDeliveryStore.decodePairs(bytes)
    }

    public static func encodeLateBound(_ r: LateBoundRequest?) -> [UInt8]? {
        SQLiteDeliveryStore.encodeLateBound(r).map { [UInt8]($0) }
    }

    public static func decodeLateBound(_ bytes: [UInt8]?) -> LateBoundRequest? {
        SQLiteDeliveryStore.decodeLateBound(bytes.map { Data($0) })
    }
}
