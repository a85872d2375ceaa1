/// The types the projector's state is made of: the events waiting for or carried by cycles,
/// the cycle in flight, what a snapshot restores.
extension Projector {
    /// A Dynamics event waiting for, or carried by, a sync cycle (a struct, not a tuple, whose
    /// metadata a replay would look up for every event).
    struct Carried: Sendable {
        var seq: Int
        var event: Event
        /// The account id of an account event, -1 for other events.
        var account: Int32 = -1
        /// The contact id of a contact event, -1 for other events.
        var contact: Int32 = -1
    }

    /// A cycle that started and has not landed yet.
    struct Cycle: Sendable {
        struct AccountPlan: Sendable {
            var account: Int32
            var deleted: Bool
            var createdHere: Bool
            var values: FieldValues
            /// Field ids the carried events named.
            var named: FieldIDSet
        }
        var index: Int64
        var start: Seconds
        var end: Seconds
        var rules: SyncRules
        /// Every synced field, in name order: what `overwrite: all` and a whole write write.
        var allTargets: [Int32]
        var carried: [Carried]
        var accounts: [AccountPlan]
        /// The queue when it started, if it could not carry every pending record (R10).
        var queue: CycleReport.Queue?
    }

    /// Events of landed cycles, held only to be freed where the caller chooses.
    public struct Landed: Sendable {
        var cycles: [[Carried]]
        public init() { cycles = [] }
        init(cycles: [[Carried]]) { self.cycles = cycles }
    }

    /// What a snapshot restores (see `Projector+Snapshot.swift`), put in place in one piece.
    struct RestoredState {
        var now: Seconds
        var lastSeq: Int
        var rejections: [Rejection]
        var fieldNames: Interner
        var namedFields: [Bool]
        var accountNames: Interner
        var dynamicsAccounts: [DynamicsAccount?]
        var companies: [Company?]
        var contactNames: Interner
        var contacts: [MarketoContact?]
        var pending: [Carried]
        var inflight: Cycle?
        var lastStart: Seconds?
    }
}

/// An activity-logging change with the contacts it logged an activity on (ids of the
/// projector's interners), kept for an export (``Projector/exportsActivities``).
struct LoggedChange: Sendable {
    var account: Int32
    var field: Int32
    var old: Value
    var new: Value
    var at: Seconds
    var source: ActivitySource
    var cause: ActivityCause
    var members: [Int32]
}
