/// What a projector's changes touched since they were last taken, by dense id, each once: the
/// accounts whose Dynamics record or company changed, the companies whose values or activity
/// counts may have changed (what every member shows), and the contacts whose own state did
/// (in Marketo, linked, joined, left). The whole-timeline diff compares only these after each
/// instant, without recording the instant's steps.
struct Touches: Sendable {
    /// Ids listed once each, in the order first touched.
    struct IDs: Sendable {
        private(set) var ids: [Int32] = []
        private var listed: [Bool] = []

        @inline(__always)
        mutating func add(_ id: Int32) {
            let i = Int(id)
            if i >= listed.count { listed.append(contentsOf: repeatElement(false, count: i + 1 - listed.count + 1024)) }
            if !listed[i] {
                listed[i] = true
                ids.append(id)
            }
        }

        /// Returns the ids and starts a new list.
        mutating func take() -> [Int32] {
            for id in ids { listed[Int(id)] = false }
            defer { ids.removeAll(keepingCapacity: true) }
            return ids
        }
    }

    var accounts = IDs()
    var companies = IDs()
    var contacts = IDs()

    /// The ids taken at once (``Projector/takeTouches()``).
    typealias Taken = (accounts: [Int32], companies: [Int32], contacts: [Int32])
}
