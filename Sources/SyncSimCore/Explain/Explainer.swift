/// Follows a recorded timeline and tells why each value is what it is: which Dynamics
/// event, carried by which sync cycle, or which Marketo edit set it; which local edits
/// were lost; which activities were logged, or not and why.
///
/// Feed it the projector's steps in order. It keeps the last cause of every company
/// field, and the full history of one contact when asked to.
public struct Explainer: Sendable {
    /// One change of a value (or, with `field` nil, of the contact itself).
    public struct Entry: Sendable, Equatable {
        public var at: Seconds
        public var field: String?
        public var old: Value
        public var new: Value
        /// What set the value.
        public var cause: String
        /// The activities it logged, or why none.
        public var activity: String
        /// The Marketo-side edit it replaced, if any.
        public var lost: String?
    }

    /// The contact whose history is kept, if any.
    public let contact: String?
    /// The focused contact's history, oldest first.
    public private(set) var history: [Entry] = []
    /// The last entry of every company field, by account then field.
    public private(set) var causes: [String: [String: Entry]] = [:]

    private var companyFields: [String: [String: Value]] = [:]
    private var contactAccount: String?
    private var uncarried: [Int: Event] = [:]
    private var limit: Int64

    public init(contact: String? = nil, rules: SyncRules) {
        self.contact = contact
        self.limit = rules.activityLimit
    }

    /// Folds events through `instant` with a recording projector, explaining as it goes.
    public static func run<I: IteratorProtocol<Event>>(rules: SyncRules, events: inout I, contact: String?,
                                                      through instant: Seconds) -> (Explainer, Projector) {
        var numbered = Numbered(base: events)
        defer { events = numbered.base }
        return run(rules: rules, numbered: &numbered, contact: contact, through: instant)
    }

    /// Events numbered from 1 in the order given.
    private struct Numbered<Base: IteratorProtocol<Event>>: IteratorProtocol {
        var base: Base
        var seq = 0

        mutating func next() -> (seq: Int, event: Event)? {
            guard let e = base.next() else { return nil }
            seq += 1
            return (seq, e)
        }
    }

    /// The same, for events given with their sequence numbers in the log: a replay of the
    /// events a question needs (``ReplayScope``), which keep their numbers.
    /// With `instant` nil, every event, then on until the run has settled (the projector's
    /// `now` says when).
    public static func run<I: IteratorProtocol<(seq: Int, event: Event)>>(rules: SyncRules, numbered events: inout I, contact: String?,
                                                                         through instant: Seconds?) -> (Explainer, Projector) {
        var explainer = Explainer(contact: contact, rules: rules)
        var projector = Projector(rules: rules)
        projector.recording = true
        while let (seq, e) = events.next(), e.at <= instant ?? .max {
            projector.apply(e, seq: seq)
            for step in projector.takeSteps() { explainer.consume(step) }
        }
        if let instant { projector.advance(to: instant) } else { projector.settle() }
        for step in projector.takeSteps() { explainer.consume(step) }
        return (explainer, projector)
    }

    /// Takes the next step of the timeline.
    public mutating func consume(_ step: Step) {
        switch step {
        case .event(let r): event(r)
        case .cycle(let c): cycle(c)
        }
    }

    private func activityText(_ ch: FieldChange, source: ActivitySource, limit: Int64) -> String {
        if ch.contacts == 0 { return "no activity: the account has no contacts in Marketo yet" }
        if ch.activitiesLogged {
            return "1 \(source.rawValue) activity on each of the account's \(ch.contacts) contact\(ch.contacts == 1 ? "" : "s") (R8)"
        }
        return "no activity: the account has \(ch.contacts) contacts, more than the activity limit \(limit) (R9)"
    }

    /// How long a Dynamics change carried by cycle `c` waited in the queue, if it missed the
    /// cycle it would have gone with (R10).
    private func waited(_ at: Seconds, _ c: CycleReport) -> String {
        let first = c.rules.cycleStart(after: at)
        guard c.start > first else { return "" }
        let cycles = (c.start - first) / c.rules.period
        return " (it waited \(cycles) cycle\(cycles == 1 ? "" : "s") in the sync queue, R10)"
    }

    private func lostText(_ e: LocalEdit?) -> String? {
        e.map { "local edit #\($0.seq) (\(SimTime.format($0.at)), on \($0.contact): \($0.value)) lost (R4)" }
    }

    private mutating func record(_ entry: Entry, account: String) {
        if let f = entry.field { causes[account, default: [:]][f] = entry }
        if contact != nil, contactAccount == account { history.append(entry) }
    }

    private mutating func event(_ r: EventReport) {
        let e = r.event
        switch r.outcome {
        case .pending, .queued:
            uncarried[r.seq] = e
            if let c = contact, e.contact == c, case .contactCreate = e.kind {
                history.append(Entry(at: e.at, field: nil, old: .null, new: .null,
                                     cause: "Dynamics creates \(c) (#\(r.seq)); it reaches Marketo with the next sync cycle", activity: "", lost: nil))
            }
        case .configured(let rules):
            limit = rules.activityLimit
        case .rejected(let reason):
            if let c = contact, e.contact == c {
                history.append(Entry(at: e.at, field: nil, old: .null, new: .null,
                                     cause: "#\(r.seq) \(e.typeName) rejected: \(reason)", activity: "", lost: nil))
            }
        case .edited(let changes, let account):
            let on = e.contact.map { $0 == contact ? "on this contact" : "on \($0)" } ?? ""
            for ch in changes {
                companyFields[account, default: [:]][ch.field] = ch.new
                record(Entry(at: e.at, field: ch.field, old: ch.old, new: ch.new,
                             cause: "Marketo edit #\(r.seq) made \(on); Dynamics never sees it (R2, R3)",
                             activity: activityText(ch, source: .marketo, limit: limit), lost: nil), account: account)
            }
        }
    }

    private mutating func cycle(_ c: CycleReport) {
        let carried = c.carried.compactMap { seq in uncarried.removeValue(forKey: seq).map { (seq, $0) } }
        let when = c.end == c.start
            ? "sync cycle \(c.index) at \(SimTime.format(c.end))"
            : "sync cycle \(c.index) (started \(SimTime.format(c.start)), landed \(SimTime.format(c.end)))"
        // The Dynamics events the cycle carried, by account, in log order: gathered once, not
        // filtered from all it carried for each account it wrote (a cycle of a busy day carries
        // thousands of events to thousands of accounts).
        var byAccount: [String: [(Int, Event)]] = [:]
        for (seq, e) in carried where e.isDynamics {
            if let a = e.account { byAccount[a, default: []].append((seq, e)) }
        }
        for w in c.accounts {
            let a = w.account
            let events = byAccount[a] ?? []
            func source(of field: String) -> String {
                if let (seq, e) = events.last(where: { ev in
                    switch ev.1.kind {
                    case .accountCreate(_, let f), .accountUpdate(_, let f): return f[field] != nil
                    default: return false
                    }
                }) {
                    let verb = e.kind.type == .accountCreate ? "create" : "update"
                    return "\(when), carrying Dynamics \(verb) #\(seq) at \(SimTime.format(e.at))" + waited(e.at, c)
                }
                let seqs = events.map { "#\($0.0)" }.joined(separator: ", ")
                return "\(when): the Dynamics update \(seqs) did not name this field, but overwrite: all rewrites every synced field with Dynamics' value"
            }
            switch w.status {
            case .markedDeleted:
                if contact != nil, contactAccount == a {
                    history.append(Entry(at: c.end, field: nil, old: .null, new: .null,
                                         cause: "\(when): \(a) was deleted in Dynamics; Marketo keeps its values and marks it deletedInDynamics", activity: "", lost: nil))
                }
            case .neverReached:
                break
            case .filteredOut, .stale:
                if contact != nil, contactAccount == a {
                    let what = w.status == .stale
                        ? "\(a) is filtered out by the sync filter (R11): nothing is written, its company goes stale and keeps its values and local edits"
                        : "\(a) is filtered out by the sync filter (R11): it does not reach Marketo"
                    history.append(Entry(at: c.end, field: nil, old: .null, new: .null, cause: "\(when): \(what)", activity: "", lost: nil))
                }
            case .created, .updated, .writtenWholeAgain:
                for ch in w.changes {
                    companyFields[a, default: [:]][ch.field] = ch.new
                    record(Entry(at: c.end, field: ch.field, old: ch.old, new: ch.new, cause: source(of: ch.field),
                                 activity: activityText(ch, source: .dynamics, limit: c.rules.activityLimit),
                                 lost: lostText(ch.lostEdit)), account: a)
                }
                for (field, edit) in w.matchedEdits {
                    let v = companyFields[a]?[field] ?? .null
                    record(Entry(at: c.end, field: field, old: v, new: v,
                                 cause: "\(source(of: field)); Dynamics' value equals the local edit #\(edit.seq), so nothing visible changes",
                                 activity: "no activity: the value did not change", lost: nil), account: a)
                }
                for (field, reason) in w.skipped where contact != nil && contactAccount == a {
                    let why = reason.text
                    let v = companyFields[a]?[field] ?? .null
                    history.append(Entry(at: c.end, field: field, old: v, new: v,
                                         cause: "\(when) carried a Dynamics change of \(field), not written: \(why)",
                                         activity: "no activity: nothing changed in Marketo", lost: nil))
                }
            }
        }
        // A full cycle that left the focused contact's account waiting: its local edits survive
        // and its values stay as they were until its turn (R10).
        if let q = c.queue, contact != nil, let a = contactAccount,
           let (seq, e) = uncarried.filter({ $0.value.account == a && $0.value.kind.type.isAccountRecord && $0.value.at < c.start })
               .min(by: { $0.key < $1.key }) {
            let edits = "; local edits on \(a) survive and its values stay as they were until it is carried"
            history.append(Entry(at: c.end, field: nil, old: .null, new: .null,
                                 cause: "\(when) was full (it carried \(q.carried) of \(q.waiting) pending records): "
                                     + "\(a)'s Dynamics change #\(seq) at \(SimTime.format(e.at)) waits in the sync queue (R10)\(edits)",
                                 activity: "", lost: nil))
        }
        for l in c.links where l.contact == contact {
            contactAccount = l.to
            let what = l.created ? "appears in Marketo, linked" : "moves from \(l.from ?? "no account")"
            history.append(Entry(at: c.end, field: nil, old: .null, new: .null,
                                 cause: "\(when): \(l.contact) \(what) \(l.to.map { "to \($0)" } ?? "with no company") (#\(l.seq), Dynamics \(l.created ? "create" : "move"))",
                                 activity: "", lost: nil))
            let before = l.from.flatMap { companyFields[$0] } ?? [:]
            let after = l.to.flatMap { companyFields[$0] } ?? [:]
            for f in Set(before.keys).union(after.keys).sorted(by: CanonicalJSON.utf8Less) where before[f] != after[f] {
                history.append(Entry(at: c.end, field: f, old: before[f] ?? .null, new: after[f] ?? .null,
                                     cause: l.to.map { "inherited from \($0) when linked" } ?? "no company, so no value",
                                     activity: "no activity for inherited values", lost: nil))
            }
        }
    }
}
