/// The sync settings in force: timing (R1), field selection (R6, R7), activity limit (R9),
/// the overwrite model choice (R4), the queue's capacity and order (R10) and the sync filter
/// (R11). The rules that read them are the other files of this
/// folder, one per rule.
public struct SyncRules: Sendable, Equatable {
    /// Wait between the end of one cycle and the start of the next (at least 1s).
    public var interval: Seconds = 300
    /// How long one cycle takes.
    public var duration: Seconds = 0
    /// When the first cycle starts.
    public var start: Seconds = 0
    /// The UTC instant time 0 stands for, in exported activities (format 5.6).
    public var origin: Origin = .epoch
    /// Account fields selected for sync at set-up.
    public var fields: FieldSelection = .all
    /// Fields the Dynamics sync user cannot read.
    public var unreadable: [String] = []
    /// More contacts than this on an account: no activities are logged.
    public var activityLimit: Int64 = 5000
    /// What a Dynamics update replaces in Marketo.
    public var overwrite: Overwrite = .all
    /// The most records one cycle carries.
    public var capacity: Capacity = .unlimited
    /// The order in which waiting records are carried.
    public var queueOrder: QueueOrder = .modified
    /// The Dynamics field whose `false` keeps an account from syncing, if any.
    public var filter: SyncFilter = .none

    public init() {}

    /// Applies the keys a `sync.configure` event sets.
    public mutating func apply(_ change: RuleChange) {
        if let v = change.interval { interval = v }
        if let v = change.duration { duration = v }
        if let v = change.start { start = v }
        if let v = change.origin { origin = v }
        if let v = change.fields { fields = v }
        if let v = change.unreadable { unreadable = v }
        if let v = change.activityLimit { activityLimit = v }
        if let v = change.overwrite { overwrite = v }
        if let v = change.capacity { capacity = v }
        if let v = change.queueOrder { queueOrder = v }
        if let v = change.filter { filter = v }
    }
}

/// The rule keys a `sync.configure` event, a `sync:` block or a `--set` option sets.
public struct RuleChange: Sendable, Equatable {
    public var interval: Seconds?
    public var duration: Seconds?
    public var start: Seconds?
    public var origin: Origin?
    public var fields: FieldSelection?
    public var unreadable: [String]?
    public var activityLimit: Int64?
    public var overwrite: Overwrite?
    public var capacity: Capacity?
    public var queueOrder: QueueOrder?
    public var filter: SyncFilter?

    public init(interval: Seconds? = nil, duration: Seconds? = nil, start: Seconds? = nil,
                fields: FieldSelection? = nil, unreadable: [String]? = nil,
                activityLimit: Int64? = nil, overwrite: Overwrite? = nil,
                capacity: Capacity? = nil, queueOrder: QueueOrder? = nil, filter: SyncFilter? = nil,
                origin: Origin? = nil) {
        self.interval = interval
        self.duration = duration
        self.start = start
        self.fields = fields
        self.unreadable = unreadable
        self.activityLimit = activityLimit
        self.overwrite = overwrite
        self.capacity = capacity
        self.queueOrder = queueOrder
        self.filter = filter
        self.origin = origin
    }

    /// The keys set by a later change replace those of this one.
    public func merging(_ later: RuleChange) -> RuleChange {
        RuleChange(interval: later.interval ?? interval, duration: later.duration ?? duration,
                   start: later.start ?? start, fields: later.fields ?? fields,
                   unreadable: later.unreadable ?? unreadable,
                   activityLimit: later.activityLimit ?? activityLimit,
                   overwrite: later.overwrite ?? overwrite, capacity: later.capacity ?? capacity,
                   queueOrder: later.queueOrder ?? queueOrder, filter: later.filter ?? filter,
                   origin: later.origin ?? origin)
    }
}
