/// The figures of a run up to an instant (format 5.5): events and rejections by type, cycles and
/// full cycles, the Dynamics events carried and their lag, the largest queue, local edits made,
/// lost and still shown, activities by source, and field changes that logged no activity
/// because of R9. Worked out from a recorded fold of the run: one pass, memory that grows with
/// the carried events' lags and the pending ones, not with the timeline.
public struct RunStatistics: Sendable, Equatable {
    /// Events by type, and rejected events by type.
    public var events: [String: Int] = [:]
    public var rejected: [String: Int] = [:]
    /// Cycles landed, and those that left records pending.
    public var cycles = 0
    public var fullCycles = 0
    /// Dynamics events carried by the landed cycles, and the lag of each (landing minus `at`).
    public var carried = 0
    public var lags: [Seconds] = []
    /// The largest queue (records) over every instant, and the first instant it was reached
    /// (nil when the queue was never non-empty).
    public var largestQueue = 0
    public var largestQueueAt: Seconds?
    /// Applied Marketo edits; those a cycle replaced on at least one field with another value;
    /// those still shown on at least one field.
    public var editsMade = 0
    public var editsLost = 0
    public var editsShown = 0
    /// Activities logged, by source.
    public var activities: [ActivitySource: Int] = [.dynamics: 0, .marketo: 0]
    /// Field changes of an account that logged no activity because of R9.
    public var r9Suppressed = 0

    public init() {}

    /// The lower median, the nearest-rank 95th percentile and the maximum of the lags (0 when
    /// none).
    public var lag: (median: Seconds, p95: Seconds, max: Seconds) {
        guard !lags.isEmpty else { return (0, 0, 0) }
        let sorted = lags.sorted()
        let n = sorted.count
        let p95 = sorted[max(0, Int((Double(n) * 0.95).rounded(.up)) - 1)]
        return (sorted[(n - 1) / 2], p95, sorted[n - 1])
    }

    /// `stats --json`'s object (sorted keys when written canonically).
    public var json: JSON {
        let lag = self.lag
        return .object([
            "activities": .object(["dynamics": .int(activities[.dynamics] ?? 0), "marketo": .int(activities[.marketo] ?? 0)]),
            "carried": .int(carried), "cycles": .int(cycles),
            "edits": .object(["lost": .int(editsLost), "made": .int(editsMade), "shown": .int(editsShown)]),
            "events": .object(events.mapValues { JSON.int($0) }), "fullCycles": .int(fullCycles),
            "lag": .object(["max": .int(lag.max), "median": .int(lag.median), "p95": .int(lag.p95)]),
            "largestQueue": .object(["at": largestQueueAt.map(JSON.int) ?? .null, "records": .int(largestQueue)]),
            "r9Suppressed": .int(r9Suppressed),
            "rejected": .object(rejected.mapValues { JSON.int($0) }),
        ])
    }

    /// The statistics of `events` under `rules` up to `instant` (everything at it included).
    public static func of<I: IteratorProtocol<Event>>(rules: SyncRules, events: I, through instant: Seconds) -> RunStatistics {
        measure(rules: rules, events: events, through: instant).statistics
    }

    /// The statistics of a run up to `instant`, or, when it is nil, up to when the run has
    /// settled (its last event, or the landing that empties the queue if later); with the
    /// projector at that instant and the instant itself.
    public static func measure<I: IteratorProtocol<Event>>(rules: SyncRules, events: I, through limit: Seconds?)
        -> (statistics: RunStatistics, projector: Projector, at: Seconds) {
        let instant = limit ?? .max
        var stats = RunStatistics()
        var projector = Projector(rules: rules)
        projector.recording = true
        projector.countingQueue = true
        var walker = InstantWalker(events)
        var pendingAt: [Int: Seconds] = [:]  // uncarried Dynamics events' instants, by sequence number
        var lost = Set<Int>()
        var settled: Seconds = 0
        while let t = walker.nextInstant(projector), t <= instant {
            settled = t
            walker.play(t, on: &projector)
            for step in projector.takeSteps() { stats.take(step, pendingAt: &pendingAt, lost: &lost) }
            let queue = projector.countedQueue.records
            if queue > stats.largestQueue { (stats.largestQueue, stats.largestQueueAt) = (queue, t) }
        }
        let end = limit ?? settled
        projector.advance(to: end)
        for step in projector.takeSteps() { stats.take(step, pendingAt: &pendingAt, lost: &lost) }
        stats.editsLost = lost.count
        var shown = Set<Int>()
        for a in projector.accountIDs { for e in projector.localEdits(of: a).values { shown.insert(e.seq) } }
        stats.editsShown = shown.count
        for c in projector.marketoContactIDs {
            let t = projector.activityTally(of: c)
            stats.activities[.dynamics, default: 0] += t.dynamics
            stats.activities[.marketo, default: 0] += t.marketo
        }
        return (stats, projector, end)
    }

    private mutating func take(_ step: Step, pendingAt: inout [Int: Seconds], lost: inout Set<Int>) {
        switch step {
        case .event(let r):
            events[r.event.typeName, default: 0] += 1
            switch r.outcome {
            case .rejected: rejected[r.event.typeName, default: 0] += 1
            case .pending, .queued: pendingAt[r.seq] = r.event.at
            case .edited(let changes, _):
                editsMade += 1
                r9Suppressed += changes.filter(Self.suppressedByR9).count
            case .configured: break
            }
        case .cycle(let c):
            cycles += 1
            if c.queue != nil { fullCycles += 1 }
            carried += c.carried.count
            for seq in c.carried { if let at = pendingAt.removeValue(forKey: seq) { lags.append(c.end - at) } }
            for w in c.accounts {
                r9Suppressed += w.changes.filter(Self.suppressedByR9).count
                for change in w.changes { if let edit = change.lostEdit { lost.insert(edit.seq) } }
            }
        }
    }

    /// A change that logged no activity because the account had more contacts than the limit.
    private static func suppressedByR9(_ change: FieldChange) -> Bool {
        change.contacts > 0 && !change.activitiesLogged
    }
}
