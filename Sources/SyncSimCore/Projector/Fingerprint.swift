/// An order-independent hash of the projector's observable state, updated with each change,
/// so two projectors folded in step can be compared in constant time.
///
/// It uses Swift's per-process hash seed: compare fingerprints only within one process.
struct Fingerprint: Sendable, Equatable {
    /// One piece of state.
    enum Item: Hashable {
        /// An account in Dynamics, and each of its field values there.
        case dynamics(String, deleted: Bool)
        case dynamicsField(String, String, Value)
        case field(String, String, Value)
        case company(String, deleted: Bool)
        case stale(String)
        case queue(QueueState)
        case tally(String, Tally)
        case contact(String, String?)
        case open(String, String, Tally)
        case closed(String, Tally)
        case rejection(Seconds, String, String, String?, String?)
    }

    private(set) var sum: UInt64 = 0

    mutating func add(_ item: Item) { sum &+= UInt64(bitPattern: Int64(item.hashValue)) }
    mutating func remove(_ item: Item) { sum &-= UInt64(bitPattern: Int64(item.hashValue)) }
}
