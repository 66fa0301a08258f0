extension Dispatcher {
    /// The queue was changed from outside the dispatcher (an admin retry):
    /// look at it again now.
    public func queueChanged() {
        queueTouched.store(true, ordering: .relaxed)
        wake()
    }
}
