/// What a projector's changes touched since they were last cleared, by dense id, each once: the
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

        /// Starts a new list, in the same storage (once the ids read are let go of).
        mutating func clear() {
            for id in ids { listed[Int(id)] = false }
            ids.removeAll(keepingCapacity: true)
        }
    }

    var accounts = IDs()
    var companies = IDs()
    var contacts = IDs()

    /// The ids read at once (``Projector/touched``).
    typealias Lists = (accounts: [Int32], companies: [Int32], contacts: [Int32])

    mutating func clear() {
        accounts.clear()
        companies.clear()
        contacts.clear()
    }
}
