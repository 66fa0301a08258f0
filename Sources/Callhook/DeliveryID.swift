import Delivery
import RuleEngine

/// Delivery ids: derived from the request's identity, a name-based UUID
/// (version 8), so the same request always gets the same id
/// (docs/delivery.md, "Request identity").
public enum DeliveryID {
    /// The same identity always gives the same id.
    public static func derived(_ identity: RequestIdentity) -> String {
        identity.withCanonicalBytes { NameBasedUUID.make(bytes: $0) }
    }
}
