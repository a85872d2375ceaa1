/// The sync rules in force: timing (R1), field selection (R6, R7), activity limit (R9)
/// and the overwrite model choice (R4).
public struct SyncRules: Sendable, Equatable {
    /// Wait between the end of one cycle and the start of the next (at least 1s).
    public var interval: Seconds = 300
    /// How long one cycle takes.
    public var duration: Seconds = 0
    /// When the first cycle starts.
    public var start: Seconds = 0
    /// Account fields selected for sync at set-up.
    public var fields: FieldSelection = .all
    /// Fields the Dynamics sync user cannot read.
    public var unreadable: [String] = []
    /// More contacts than this on an account: no activities are logged.
    public var activityLimit: Int64 = 5000
    /// What a Dynamics update replaces in Marketo.
    public var overwrite: Overwrite = .all

    public init() {}

    /// Time between the starts of two consecutive cycles.
    public var period: Seconds { interval + duration }

    /// Start of the first cycle that starts strictly after `instant`.
    public func cycleStart(after instant: Seconds) -> Seconds {
        if instant < start { return start }
        return start + ((instant - start) / period + 1) * period
    }

    /// Index k of the cycle that starts at `cycleStart`.
    public func cycleIndex(startingAt cycleStart: Seconds) -> Int64 {
        (cycleStart - start) / period
    }

    /// Whether `field` syncs, given the fields Dynamics has named so far.
    public func syncs(_ field: String) -> Bool {
        if unreadable.contains(field) { return false }
        switch fields {
        case .all: return true
        case .list(let names): return names.contains(field)
        }
    }

    /// Applies the keys a `sync.configure` event sets.
    public mutating func apply(_ change: RuleChange) {
        if let v = change.interval { interval = v }
        if let v = change.duration { duration = v }
        if let v = change.start { start = v }
        if let v = change.fields { fields = v }
        if let v = change.unreadable { unreadable = v }
        if let v = change.activityLimit { activityLimit = v }
        if let v = change.overwrite { overwrite = v }
    }
}

/// Which account fields were selected for sync at set-up (R6).
public enum FieldSelection: Sendable, Equatable {
    /// Every field name that a carried Dynamics account event has named.
    case all
    /// Only these fields.
    case list([String])
}

/// What a cycle writes to an account that Dynamics updated (R4).
public enum Overwrite: String, Sendable, Equatable, CaseIterable {
    /// Every synced field is set to the Dynamics value (the documented reading).
    case all
    /// Only the synced fields named in the carried events are set.
    case changed
}

/// The rule keys a `sync.configure` event, a `sync:` block or a `--set` option sets.
public struct RuleChange: Sendable, Equatable {
    public var interval: Seconds?
    public var duration: Seconds?
    public var start: Seconds?
    public var fields: FieldSelection?
    public var unreadable: [String]?
    public var activityLimit: Int64?
    public var overwrite: Overwrite?

    public init(interval: Seconds? = nil, duration: Seconds? = nil, start: Seconds? = nil,
                fields: FieldSelection? = nil, unreadable: [String]? = nil,
                activityLimit: Int64? = nil, overwrite: Overwrite? = nil) {
        self.interval = interval
        self.duration = duration
        self.start = start
        self.fields = fields
        self.unreadable = unreadable
        self.activityLimit = activityLimit
        self.overwrite = overwrite
    }

    /// The keys set by a later change replace those of this one.
    public func merging(_ later: RuleChange) -> RuleChange {
        RuleChange(interval: later.interval ?? interval, duration: later.duration ?? duration,
                   start: later.start ?? start, fields: later.fields ?? fields,
                   unreadable: later.unreadable ?? unreadable,
                   activityLimit: later.activityLimit ?? activityLimit,
                   overwrite: later.overwrite ?? overwrite)
    }
}
