/// R10: "The sync works first in, first out, by the records' system modification time; updates
/// are not batched by entity; its throughput cannot be raised. A mass update of many records
/// builds a backlog, which the Sync Status tab shows per object as the inserts and updates not
/// yet synced, with the oldest of them, and the records synced in the last hour."
///
/// The format (5.1): a *record* is one Dynamics account or one Dynamics contact; an account's
/// events are its create, updates and delete, a contact's its create and moves. A record is
/// *pending* while it has Dynamics events that no cycle has carried. At the start S of a cycle a
/// record's place in the queue is, with `queueOrder: modified`, its latest uncarried event before
/// S (by `at`, then by place in the file): a record that keeps changing moves to the back; with
/// `first`, its oldest uncarried event before S *(model choice)*. The cycle takes the first
/// `capacity` records in queue order (all of them when unlimited) and carries every uncarried
/// event of each with `at` before S; the others stay pending. With `capacity: unlimited` this is
/// exactly version 1.
extension SyncRules {
    /// A record's place in the queue, from its oldest and its latest uncarried event.
    public func queuePlace(oldest: QueuePlace, latest: QueuePlace) -> QueuePlace {
        queueOrder.placesByLatestChange ? latest : oldest
    }

    /// How many of `waiting` records a cycle carries.
    public func recordsCarried(of waiting: Int) -> Int {
        switch capacity {
        case .unlimited: return waiting
        case .records(let n): return Int(min(Int64(waiting), n))
        }
    }
}

/// Where a record stands in the queue: the instant of the event that places it, then that
/// event's place in the file (its sequence number). Earlier places are carried first.
public struct QueuePlace: Comparable, Sendable {
    public var at: Seconds
    public var seq: Int

    public init(at: Seconds, seq: Int) {
        self.at = at
        self.seq = seq
    }

    public static func < (a: QueuePlace, b: QueuePlace) -> Bool { (a.at, a.seq) < (b.at, b.seq) }
}

/// The most records one cycle carries.
public enum Capacity: Equatable, Sendable {
    case unlimited
    /// From 1 to 10^9.
    case records(Int64)

    /// The largest capacity the format allows.
    public static let maximum: Int64 = 1_000_000_000
}

/// The order in which waiting records are carried.
public enum QueueOrder: String, Equatable, Sendable, CaseIterable {
    /// By the latest uncarried change: a record that keeps changing moves to the back, as rows
    /// sorted by modification time do.
    case modified
    /// By the oldest uncarried change.
    case first

    /// Whether a record's place is its latest uncarried change (else its oldest).
    public var placesByLatestChange: Bool { self == .modified }
}

/// The queue at an instant (after everything at it).
public struct QueueState: Hashable, Sendable {
    /// Pending records.
    public var records: Int
    /// The smallest `at` of an uncarried Dynamics event, nil when none.
    public var oldest: Seconds?

    public init(records: Int, oldest: Seconds?) {
        self.records = records
        self.oldest = oldest
    }
}
