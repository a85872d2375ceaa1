/// The queue's pending events counted by record (an account's, or a contact's when the event
/// names no account: ``Projector/recordKey(_:)``), by dense id, with the number of records that
/// have any: what the fingerprint and `stats` follow as events come and go (R10), without a
/// hashed table touched at every Dynamics event.
struct QueueCounts: Sendable {
    private var accounts: [Int32] = []
    private var contacts: [Int32] = []
    /// How many records have pending events.
    private(set) var records = 0

    mutating func add(_ c: Projector.Carried) {
        if c.account >= 0 { Self.add(Int(c.account), to: &accounts, &records) } else { Self.add(Int(c.contact), to: &contacts, &records) }
    }

    mutating func remove(_ c: Projector.Carried) {
        if c.account >= 0 { Self.remove(Int(c.account), from: &accounts, &records) } else { Self.remove(Int(c.contact), from: &contacts, &records) }
    }

    private static func add(_ i: Int, to counts: inout [Int32], _ records: inout Int) {
        if i >= counts.count { counts.append(contentsOf: repeatElement(0, count: i + 1 - counts.count + 256)) }
        if counts[i] == 0 { records += 1 }
        counts[i] += 1
    }

    private static func remove(_ i: Int, from counts: inout [Int32], _ records: inout Int) {
        counts[i] -= 1
        if counts[i] == 0 { records -= 1 }
    }
}
