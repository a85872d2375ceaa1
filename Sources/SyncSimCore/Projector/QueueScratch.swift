/// What a cycle with a capacity carries (R10), worked out over the pending events with dense
/// ids rather than hashed keys: a backlog of tens of thousands of records is ordered at every
/// cycle until it drains.
///
/// Holds scratch arrays by account and contact id, reused from cycle to cycle (an epoch number
/// tells this cycle's entries from older ones); nothing in them is part of the projection.
struct QueueScratch: Sendable {
    /// By account id and by contact id: the record's index in `places`, valid in `epoch` only.
    private var accountSlot: [Int32] = []
    private var contactSlot: [Int32] = []
    private var accountEpoch: [UInt32] = []
    private var contactEpoch: [UInt32] = []
    private var epoch: UInt32 = 0

    /// Takes out of `pending` (log order kept) the events of the first records in queue order
    /// that `rules`' capacity lets a cycle carry. Nil, `pending` untouched, when it carries them all.
    ///
    /// The queue is in log order, which is the order of the events' places (by `at`, then by
    /// place in the file), so ordering the records by the place the rule names
    /// (``SyncRules/queuePlace(oldest:latest:)``) is ordering them by where that event stands:
    /// by first sight from the front for the oldest, from the back for the latest. No sort.
    mutating func take(from pending: inout [Projector.Carried], rules: SyncRules) -> (carried: [Projector.Carried], queue: CycleReport.Queue)? {
        // No more events than the capacity: no more records either.
        guard case .records(let capacity) = rules.capacity, Int64(pending.count) > capacity else { return nil }
        epoch &+= 1
        if epoch == 0 {  // wrapped: forget every old entry
            for i in accountEpoch.indices { accountEpoch[i] = 0 }
            for i in contactEpoch.indices { contactEpoch[i] = 0 }
            epoch = 1
        }
        // Records numbered in queue order (from the back for the latest change: then numbered
        // last to first).
        let fromBack = rules.queueOrder.placesByLatestChange
        var records = 0
        for i in fromBack ? Array(pending.indices.reversed()) : Array(pending.indices) {
            if slot(pending[i].account, pending[i].contact, adding: records) == records { records += 1 }
        }
        let count = rules.recordsCarried(of: records)
        guard count < records else { return nil }
        func taken(_ slot: Int) -> Bool { fromBack ? slot >= records - count : slot < count }
        var carried: [Projector.Carried] = []
        for c in pending.indices where taken(slot(pending[c].account, pending[c].contact, adding: -1)) { carried.append(pending[c]) }
        pending.removeAll { taken(slot($0.account, $0.contact, adding: -1)) }
        let queue = CycleReport.Queue(waiting: records, carried: count, left: records - count,
                                      oldestLeft: pending.isEmpty ? nil : pending[0].event.at)
        return (carried, queue)
    }

    /// The slot in this epoch of the record of an event (by its account id, or its contact id
    /// when that is -1); a record seen for the first time gets `new`. (The ids, not the event,
    /// are passed: an event passed from the array it lies in was copied.)
    private mutating func slot(_ account: Int32, _ contact: Int32, adding new: Int) -> Int {
        if account >= 0 {
            return Self.slot(Int(account), &accountSlot, &accountEpoch, epoch, new)
        }
        return Self.slot(Int(contact), &contactSlot, &contactEpoch, epoch, new)
    }

    private static func slot(_ id: Int, _ slots: inout [Int32], _ epochs: inout [UInt32], _ epoch: UInt32, _ new: Int) -> Int {
        if id >= slots.count {
            slots += Array(repeating: 0, count: id + 1 - slots.count)
            epochs += Array(repeating: 0, count: id + 1 - epochs.count)
        }
        if epochs[id] == epoch { return Int(slots[id]) }
        epochs[id] = epoch
        slots[id] = Int32(new)
        return new
    }
}
