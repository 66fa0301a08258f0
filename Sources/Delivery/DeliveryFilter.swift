/// Which deliveries an admin listing shows (`GET /v1/deliveries`); nil
/// fields match everything.
public struct DeliveryFilter: Sendable, Equatable {
    public var status: DeliveryStatus?
    public var target: String?
    public var callID: String?

    public init(status: DeliveryStatus? = nil, target: String? = nil, callID: String? = nil) {
        self.status = status
        self.target = target
        self.callID = callID
    }

    public func matches(_ d: Delivery) -> Bool {
        (status == nil || d.status == status) && (target == nil || d.target == target)
            && (callID == nil || d.callID == callID)
    }
}
