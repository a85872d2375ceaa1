/// What the projector did at one point of the timeline, for narration and explanation.
public enum Step: Sendable, Equatable {
    /// An event of the log was applied.
    case event(EventReport)
    /// A sync cycle landed its writes in Marketo.
    case cycle(CycleReport)
}

/// A change of a value Marketo shows for every contact of an account.
public struct FieldChange: Sendable, Equatable {
    public var account: String
    public var field: String
    public var old: Value
    public var new: Value
    /// Contacts of the account when it changed.
    public var contacts: Int
    /// Whether activities were logged (false above the activity limit, R9).
    public var activitiesLogged: Bool
    /// The Marketo-side edit this write replaced, if any (R4).
    public var lostEdit: LocalEdit?
}

/// The outcome of applying one event.
public struct EventReport: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        /// A Dynamics event, waiting for the cycle that starts at this instant.
        case pending(cycleStart: Seconds)
        /// A Dynamics event, waiting in a queue whose cycles carry at most `capacity` records;
        /// the next cycle starts at `nextCycle` (R10).
        case queued(nextCycle: Seconds, capacity: Int64)
        /// A Marketo edit, applied at once.
        case edited([FieldChange], account: String)
        /// The event was rejected.
        case rejected(String)
        /// The rules changed.
        case configured(SyncRules)
    }

    public var seq: Int
    public var event: Event
    public var outcome: Outcome
}

/// What one sync cycle carried and wrote.
public struct CycleReport: Sendable, Equatable {
    /// What a cycle did to one account.
    public struct AccountWrite: Sendable, Equatable {
        public enum Status: String, Sendable, Equatable {
            case created, updated, markedDeleted, neverReached
            /// Filtered out with no company: it does not reach Marketo (R11).
            case filteredOut
            /// Filtered out: nothing written, the company is stale (R11).
            case stale
            /// Syncing again after being stale: written whole (R11).
            case writtenWholeAgain
        }
        public var account: String
        public var status: Status
        public var changes: [FieldChange]
        /// Local edits replaced by an equal Dynamics value (nothing visible changed).
        public var matchedEdits: [(field: String, edit: LocalEdit)]
        /// Fields the carried events changed that do not sync, and why (recorded steps only).
        public var skipped: [(field: String, reason: SkipReason)] = []
        /// Contacts linked to the account before its company existed, which join it now.
        public var joined: [String] = []

        public init(account: String, status: Status, changes: [FieldChange], matchedEdits: [(field: String, edit: LocalEdit)]) {
            self.account = account
            self.status = status
            self.changes = changes
            self.matchedEdits = matchedEdits
        }

        public static func == (a: AccountWrite, b: AccountWrite) -> Bool {
            a.account == b.account && a.status == b.status && a.changes == b.changes
                && a.matchedEdits.map(\.field) == b.matchedEdits.map(\.field)
                && a.matchedEdits.map(\.edit) == b.matchedEdits.map(\.edit)
                && a.skipped.map(\.field) == b.skipped.map(\.field) && a.skipped.map(\.reason) == b.skipped.map(\.reason)
                && a.joined == b.joined
        }
    }

    /// A contact linked to an account by a carried create or move.
    public struct Link: Sendable, Equatable {
        public var seq: Int
        public var contact: String
        public var from: String?
        public var to: String?
        public var created: Bool
        /// Whether the account it is linked to has a company in Marketo (whose values it shows).
        public var toCompany: Bool = true
    }

    /// The queue at the start of a cycle that could not carry every pending record (R10).
    public struct Queue: Sendable, Equatable {
        /// Records pending when it started.
        public var waiting: Int
        /// Records it carried.
        public var carried: Int
        /// Records left pending.
        public var left: Int
        /// The oldest change left pending, if any.
        public var oldestLeft: Seconds?
    }

    public var index: Int64
    public var start: Seconds
    public var end: Seconds
    /// Set when the cycle was full: it left records pending (R10).
    public var queue: Queue?
    public var carried: [Int]
    public var rules: SyncRules
    public var accounts: [AccountWrite]
    public var links: [Link]

    /// Whether the cycle changed anything Marketo shows.
    public var changedSomething: Bool {
        !links.isEmpty || accounts.contains {
            !$0.changes.isEmpty || [.created, .markedDeleted, .stale, .writtenWholeAgain].contains($0.status)
        }
    }
}
