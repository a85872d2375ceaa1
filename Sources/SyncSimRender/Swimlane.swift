import SyncSimCore

/// What the swimlane picture of a run shows, gathered from its recorded steps: the events on
/// the Dynamics and Marketo lanes, the sync cycles as bars, the local edits with the cycle that
/// overwrote them, and the queue's size at each instant. ``SwimlaneSVG`` draws it.
public struct Swimlane: Sendable {
    public enum Lane: String, Sendable {
        case dynamics, cycles, marketo
    }

    /// One event of the log.
    public struct Mark: Sendable {
        public var lane: Lane
        public var at: Seconds
        public var seq: Int
        /// A CSS class naming what it is: create, update, delete, contact, edit, rejected, rules.
        public var kind: String
        public var label: String
        /// The narration of the event, line by line.
        public var narration: [String]
        /// For a Marketo edit: the fields a cycle overwrote, with the cycle and when it landed.
        public var lost: [(field: String, cycle: Int64, at: Seconds)] = []
        /// For a Marketo edit: when its last field stopped showing (overwritten, matched, or
        /// replaced by a later edit); nil while it shows.
        public var endedAt: Seconds?
    }

    /// One sync cycle, from its start to its landing.
    public struct Cycle: Sendable {
        public var index: Int64
        public var start: Seconds
        public var end: Seconds
        public var label: String
        /// It could not carry every pending record (R10).
        public var full: Bool
        public var narration: [String]
    }

    public var title: String
    public var marks: [Mark] = []
    public var cycles: [Cycle] = []
    /// The queue's records at each instant, when a capacity was set at some point.
    public var queue: [(at: Seconds, records: Int)] = []
    /// The instant the picture ends at.
    public var end: Seconds = 0
    /// Whether a capacity was in force at some instant (the queue chart is drawn then).
    public var capacitySet = false

    public init(title: String) {
        self.title = title
    }

    /// The swimlane of a whole run through `end`, gathered alone (a slide, a diff page: no
    /// report frames are built beside it).
    public static func of<I: IteratorProtocol<Event>>(title: String, rules: SyncRules, events: I, through end: Seconds) -> Swimlane {
        var projector = Projector(rules: rules)
        projector.recording = true
        let narrator = Narrator(style: Style(color: false))
        var walker = InstantWalker(events)
        var lanes = Swimlane(title: title)
        while let t = walker.nextInstant(projector), t <= end {
            walker.play(t, on: &projector)
            let steps = projector.takeSteps()
            if !steps.isEmpty {
                lanes.add(steps, at: t, queue: projector.queue.records, rules: projector.rules, narrator: narrator)
            }
        }
        return lanes
    }

    /// Where each shown local edit is: by account and field, its mark's index.
    private var showing: [String: [String: Int]] = [:]

    /// Adds the steps of one instant, and the queue's size once they are applied.
    public mutating func add(_ steps: [Step], at t: Seconds, queue records: Int, rules: SyncRules, narrator: Narrator) {
        end = max(end, t)
        if rules.capacity != .unlimited { capacitySet = true }
        queue.append((t, records))
        for step in steps {
            switch step {
            case .event(let r): add(event: r, narrator: narrator)
            case .cycle(let c): add(cycle: c, narrator: narrator)
            }
        }
    }

    private mutating func add(event r: EventReport, narrator: Narrator) {
        let e = r.event
        var lane: Lane = e.isDynamics ? .dynamics : .marketo
        var kind: String
        var label: String
        switch e.kind {
        case .accountCreate(let a, _): (kind, label) = ("create", "create \(a)")
        case .accountUpdate(let a, let f): (kind, label) = ("update", "\(a): " + f.keys.joined(separator: ", "))
        case .accountDelete(let a): (kind, label) = ("delete", "delete \(a)")
        case .contactCreate(let c, let a, _): (kind, label) = ("contact", "\(c) in \(a ?? "no account")")
        case .contactMove(let c, let a): (kind, label) = ("contact", "\(c) to \(a)")
        case .marketoAccountEdit(let c, let f):
            (kind, label) = ("edit", "\(c): " + f.map { "\($0.key)=\(TextFormat.value($0.value))" }.joined(separator: ", "))
        case .marketoAccountCreate(let a, _): (kind, label) = ("create", "create \(a)")
        case .configure:
            (lane, kind, label) = (.cycles, "rules", "rules changed")
        }
        if case .rejected = r.outcome {
            kind = "rejected"
            label = "rejected: " + label
        }
        // A label names the event in a few words; its narration (the mark's title) says it all.
        if label.count > 48 { label = String(label.prefix(47)) + "…" }
        marks.append(Mark(lane: lane, at: e.at, seq: r.seq, kind: kind, label: label,
                          narration: narrator.event(r).map(Self.unstamped)))
        guard case .edited(_, let account) = r.outcome, case .marketoAccountEdit(_, let fields) = e.kind else { return }
        for field in fields.keys {
            // A later edit of the field replaces the earlier one.
            if let earlier = showing[account]?[field] { end(edit: earlier, field: field, at: e.at) }
            showing[account, default: [:]][field] = marks.count - 1
        }
    }

    private mutating func add(cycle c: CycleReport, narrator: Narrator) {
        for w in c.accounts {
            for ch in w.changes {
                guard ch.lostEdit != nil, let i = showing[w.account]?[ch.field] else { continue }
                marks[i].lost.append((ch.field, c.index, c.end))
                end(edit: i, field: ch.field, at: c.end)
            }
            for (field, _) in w.matchedEdits {
                if let i = showing[w.account]?[field] { end(edit: i, field: field, at: c.end) }
            }
        }
        let records = c.queue?.carried ?? c.carried.count
        cycles.append(Cycle(index: c.index, start: c.start, end: c.end,
                            label: "cycle \(c.index): " + TextFormat.plural(records, c.queue == nil ? "event" : "record"),
                            full: c.queue != nil, narration: narrator.cycle(c).map(Self.unstamped)))
    }

    /// Notes that one field of the edit at mark `i` stopped showing at `t`.
    private mutating func end(edit i: Int, field: String, at t: Seconds) {
        for (account, fields) in showing where fields[field] == i { showing[account]![field] = nil }
        let stillShown = showing.values.contains { $0.values.contains(i) }
        if !stillShown { marks[i].endedAt = t }
    }

    /// A narration line without the instant the timeline writes before it.
    static func unstamped(_ line: String) -> String {
        var s = Substring(line)
        while s.first == " " { s = s.dropFirst() }
        if let gap = s.firstRange(of: "  "), !s[..<gap.lowerBound].contains(" ") { s = s[gap.upperBound...] }
        return String(s)
    }
}
