
/// A set of field ids: the first 64 as bits, any others in a list. A cycle's plan for an account
/// notes the fields its carried events named (a handful: a workload has eight); an array of them
/// was an allocation for every account a cycle writes.
struct FieldIDSet: Sendable {
    private var low: UInt64 = 0
    private var high: [Int32] = []

    init() {}

    init(_ ids: [Int32]) {
        for id in ids { insert(id) }
    }

    mutating func insert(_ id: Int32) {
        if id < 64 {
            low |= 1 << UInt64(id)
        } else if !high.contains(id) {
            high.append(id)
        }
    }

    /// The ids in ascending order.
    var sorted: [Int32] {
        var out: [Int32] = []
        out.reserveCapacity(low.nonzeroBitCount + high.count)
        var bits = low
        while bits != 0 {
            out.append(Int32(bits.trailingZeroBitCount))
            bits &= bits - 1
        }
        out.append(contentsOf: high.sorted())
        return out
    }
}
