import Foundation
import SyncSimCore
import SyncSimScenario
import SyncSimStore

/// A run to look at: an event log, or a scenario file run in memory, with its rules.
struct RunSource {
    enum Source {
        case events([Event])
        /// A JSON Lines stream, read from its file each time it is folded (a stream of a million
        /// events held in memory took hundreds of megabytes, twice for a diff of two rule sets).
        case stream(path: String)
        case log(EventLog)
    }

    var rules: SyncRules
    var source: Source
    var lastEventAt: Seconds?
    /// The scenario's id and title, and its expectations.
    var name = ""
    var title: String?
    var expectations: [Expectation] = []
    /// Whether a log is read with the rules it was recorded with, so its checkpoints hold.
    var ownRules = false

    /// When this side has settled: the landing of the cycle that carries its last Dynamics events
    /// (with a capacity, the one that empties the queue), or its last event if later.
    func settled() throws -> Seconds {
        guard let last = lastEventAt else { return 0 }
        var p = try projector(at: last)
        return p.settle()
    }

    static func load(_ path: String, overrides: [String] = []) throws -> RunSource {
        let change = try RuleOverrides.parse(overrides)
        let ext = (path as NSString).pathExtension.lowercased()
        if ext == "jsonl" {
            // Read through once to check it all and find its rules and its last instant, in
            // constant memory; its events are read again when they are folded.
            let stream = try EventStreamReader.check(path: path)
            return RunSource(rules: SyncRules(stream.sync.merging(change)), source: .stream(path: path), lastEventAt: stream.lastAt,
                             name: ScenarioLoader.streamID(for: path))
        }
        if ["yaml", "yml"].contains(ext) {
            let s = try ScenarioLoader.load(path: path).scenario
            return RunSource(rules: SyncRules(s.sync.merging(change)), source: .events(s.events), lastEventAt: s.events.last?.at,
                             name: s.id, title: s.title, expectations: s.expectations)
        }
        let log = try EventLog.open(path: path)
        let header = try log.header()
        let rules = SyncRules(header.rules.asChange.merging(change))
        return RunSource(rules: rules, source: .log(log), lastEventAt: try log.lastEventAt(),
                         name: header.scenario, title: header.title, expectations: header.expectations,
                         ownRules: rules == header.rules)
    }

    /// The same events under other rules (a scenario or a stream; a log is opened again).
    func with(rules: SyncRules) -> RunSource {
        var copy = self
        copy.rules = rules
        copy.ownRules = false
        return copy
    }

    /// The projection state at `instant`. A log read with its own rules starts from its latest
    /// checkpoint; under other rules (`--set`), or from a scenario file, every event is folded.
    func projector(at instant: Seconds) throws -> Projector {
        if case .log(let log) = source, ownRules { return try log.projector(at: instant, rules: rules) }
        return try withEvents { Simulation.fold(rules: rules, events: &$0, through: instant) }
    }

    /// Whether any event of this run names the contact (`contact` true) or the account.
    func names(_ id: String, contact: Bool) throws -> Bool {
        if case .log(let log) = source { return try log.names(id, contact: contact) }
        return try withEvents { events in
            while let e = events.next() {
                if (contact ? e.contact : e.account) == id { return true }
            }
            return false
        }
    }

    /// Runs `body` with iterators over both runs' events, for a walk of the two in step
    /// (``DiffTimeline``, ``Divergence``): each log is read on the thread that folds it, which
    /// keeps both cores folding rather than reading.
    static func withEvents<T>(of a: RunSource, _ b: RunSource,
                              _ body: (inout AnyIterator<Event>, inout AnyIterator<Event>) throws -> T) throws -> T {
        try a.withEvents(inline: true) { ea in
            try b.withEvents(inline: true) { eb in try body(&ea, &eb) }
        }
    }

    /// Both runs' whole timelines compared (format 5.4), walked until the later one has settled
    /// (the walk's end), with the differences then between the projectors the walk leaves.
    static func compareTimelines(_ a: RunSource, _ b: RunSource) throws -> (diff: ProjectionDiff, timeline: DiffTimeline) {
        try withEvents(of: a, b) { ea, eb in
            let walk = DiffTimeline.walk(a: ea, rules: a.rules, b: eb, rules: b.rules, through: .max)
            return (ProjectionDiff.compare(walk.a, walk.b), walk.timeline)
        }
    }

    /// Runs `body` with an iterator over this side's events. `inline`: a log's events are read
    /// on the thread that iterates them, not by a reading thread ahead of it (for a caller that
    /// keeps every core busy already).
    func withEvents<T>(inline: Bool = false, _ body: (inout AnyIterator<Event>) throws -> T) throws -> T {
        switch source {
        case .log(let log) where inline:
            return try log.withEventsInline { inner in
                try withoutActuallyEscaping({ inner.next() }) { next in
                    var it = AnyIterator(next)
                    return try body(&it)
                }
            }
        case .events(let events):
            var it = AnyIterator(events.makeIterator())
            return try body(&it)
        case .stream(let path):
            return try EventStreamReader.withEvents(in: path, body)
        case .log(let log):
            return try log.withEvents { inner in
                // The iterator is used only inside this closure; `withEvents` checks it for failures after.
                try withoutActuallyEscaping({ inner.next() }) { next in
                    var it = AnyIterator(next)
                    return try body(&it)
                }
            }
        }
    }
}
