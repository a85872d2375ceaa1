/// Folds a log's events into what Dynamics holds and what Marketo shows, instant by instant.
///
/// A pure, deterministic fold: no clock, no I/O. Time moves only when the caller
/// applies an event or calls ``advance(to:)``. Within one instant the order is the
/// format's: the cycle that ends then lands, the cycle that starts then takes what
/// it carries, then the events of that instant apply in log order.
public struct Projector: Sendable {
    /// The rules in force now, after every applied `sync.configure`.
    public private(set) var rules: SyncRules
    /// The instant the projection has reached.
    public internal(set) var now: Seconds = 0
    /// Sequence number of the last applied event (0 before any).
    public internal(set) var lastSeq = 0
    /// Rejected events so far.
    public internal(set) var rejections: [Rejection] = []
    /// When true, each applied event and landed cycle is appended to ``steps``.
    public var recording = false
    /// The steps recorded since the last ``takeSteps()``.
    public private(set) var steps: [Step] = []
    /// When true, every activity-logging change is kept, so ``activities(of:)`` and per-field
    /// counts work (runs that check expectations, explanations of one contact). By default only
    /// counts by source are kept, and memory grows with accounts and contacts, not with events.
    public var keepsActivityRecords = false
    /// When true, ``fingerprint`` follows every change of the observable state.
    var fingerprinting = false
    /// Order-independent hash of the observable state (when ``fingerprinting``).
    private(set) var fingerprint = Fingerprint()

    var dynamicsAccounts: [String: DynamicsAccount] = [:]
    var companies: [String: Company] = [:]
    var contacts: [String: MarketoContact] = [:]
    /// Every field name a carried Dynamics account event has named (`fields: all`).
    var namedFields: Set<String> = []
    var pending: [Carried] = []
    var inflight: Cycle?

    /// A Dynamics event waiting for, or carried by, a sync cycle (a struct, not a tuple:
    /// tuple metadata lookups showed up in replay profiles).
    struct Carried: Sendable {
        var seq: Int
        var event: Event
    }

    /// A cycle that started and has not landed yet.
    struct Cycle: Sendable {
        struct AccountPlan: Sendable {
            var account: String
            var deleted: Bool
            var createdHere: Bool
            var values: [String: Value]
            var named: [String]
        }
        var index: Int64
        var start: Seconds
        var end: Seconds
        var rules: SyncRules
        /// The fields `overwrite: all` writes, sorted.
        var allTargets: [String]
        var carried: [Carried]
        var accounts: [AccountPlan]
    }

    /// A projector for a log that ran with `rules`.
    public init(rules: SyncRules, keepingActivityRecords: Bool = false) {
        self.rules = rules
        keepsActivityRecords = keepingActivityRecords
    }

    /// Returns and clears the recorded steps.
    public mutating func takeSteps() -> [Step] {
        defer { steps = [] }
        return steps
    }

    // MARK: - Time

    /// Runs every cycle that lands or starts at or before `instant`.
    public mutating func advance(to instant: Seconds) {
        while true {
            if let cycle = inflight, cycle.end <= instant {
                inflight = nil
                land(cycle)
                continue
            }
            if inflight == nil, let first = pending.first {
                let start = rules.cycleStart(after: first.event.at)
                if start <= instant {
                    begin(at: start)
                    continue
                }
            }
            break
        }
        if instant > now { now = instant }
    }

    /// When the next pending cycle lands, if one has work (for narration and bisection).
    public var nextCycleLanding: Seconds? {
        if let c = inflight { return c.end }
        if let first = pending.first { return rules.cycleStart(after: first.event.at) + rules.duration }
        return nil
    }

    /// Applies the event with sequence number `seq`; cycles due before it run first.
    public mutating func apply(_ event: Event, seq: Int) {
        advance(to: event.at)
        lastSeq = seq
        let outcome: EventReport.Outcome
        switch event.kind {
        case .accountCreate(let a, let f):
            setDynamics(a, DynamicsAccount(fields: f.filter { !$0.value.isNull }))
            outcome = queue(event, seq)
        case .accountUpdate(let a, let f):
            if fingerprinting {
                var d = dynamicsAccounts[a] ?? DynamicsAccount(fields: [:])
                for (k, v) in f { d.fields[k] = v.isNull ? nil : v }
                setDynamics(a, d)
            } else {
                // In place: copying the account's fields for every update would dominate a bulk replay.
                dynamicsAccounts[a]?.update(f)
            }
            outcome = queue(event, seq)
        case .accountDelete(let a):
            setDynamics(a, DynamicsAccount(fields: [:], deleted: true))
            outcome = queue(event, seq)
        case .contactCreate, .contactMove:
            // Contacts change Marketo only when a cycle carries them (step 2 of `land`).
            outcome = queue(event, seq)
        case .marketoAccountEdit(let c, let f):
            outcome = edit(contact: c, fields: f, seq: seq, at: event.at)
        case .marketoAccountCreate(let a, _):
            outcome = reject(event, seq, "Marketo cannot create accounts in Dynamics (R5)", account: a)
        case .configure(let change):
            rules.apply(change)
            outcome = .configured(rules)
        }
        if recording { steps.append(.event(EventReport(seq: seq, event: event, outcome: outcome))) }
    }

    private mutating func setDynamics(_ a: String, _ d: DynamicsAccount) {
        if fingerprinting {
            if let old = dynamicsAccounts[a] { fingerprint.remove(.dynamics(a, old.fields, deleted: old.deleted)) }
            fingerprint.add(.dynamics(a, d.fields, deleted: d.deleted))
        }
        dynamicsAccounts[a] = d
    }

    private mutating func queue(_ event: Event, _ seq: Int) -> EventReport.Outcome {
        pending.append(Carried(seq: seq, event: event))
        return .pending(cycleStart: rules.cycleStart(after: event.at))
    }

    private mutating func reject(_ event: Event, _ seq: Int, _ reason: String,
                                 account: String? = nil, contact: String? = nil) -> EventReport.Outcome {
        rejections.append(Rejection(seq: seq, at: event.at, type: event.typeName, reason: reason,
                                    account: account, contact: contact))
        if fingerprinting { fingerprint.add(.rejection(event.at, event.typeName, reason, account, contact)) }
        return .rejected(reason)
    }

    // MARK: - Marketo edits (R2, R3)

    private mutating func edit(contact c: String, fields: [String: Value], seq: Int, at: Seconds) -> EventReport.Outcome {
        let event = Event(at: at, kind: .marketoAccountEdit(contact: c, fields: fields))
        guard let mc = contacts[c] else {
            return reject(event, seq, "contact '\(c)' is not in Marketo yet: it arrives with the next sync cycle", contact: c)
        }
        guard let a = mc.account, companies[a] != nil else {
            return reject(event, seq, "contact '\(c)' has no company in Marketo yet", contact: c)
        }
        var changes: [FieldChange] = []
        for field in fields.keys.sorted(by: CanonicalJSON.utf8Less) {
            let value = fields[field]!
            companies[a]!.localEdits[field] = LocalEdit(seq: seq, at: at, contact: c, value: value)
            if let change = write(field, value, account: a, at: at, source: .marketo, limit: rules.activityLimit) {
                changes.append(change)
            }
        }
        return .edited(changes, account: a)
    }

    /// Sets one company field; logs activities when the value changes and the
    /// company is within the activity limit (R8, R9).
    private mutating func write(_ field: String, _ value: Value, account a: String, at: Seconds,
                                source: ActivitySource, limit: Int64) -> FieldChange? {
        let keep = keepsActivityRecords
        // One dictionary access for the whole write: this is the projector's hottest path.
        guard let w = companies[a]!.set(field, value, at: at, source: source, limit: limit, keepRecord: keep) else {
            return nil
        }
        if fingerprinting { fingerprintWrite(a, field, value, w, source: source) }
        return FieldChange(account: a, field: field, old: w.old, new: value, contacts: w.members,
                           activitiesLogged: w.logged, lostEdit: nil)
    }

    private mutating func fingerprintWrite(_ a: String, _ field: String, _ value: Value, _ w: Company.Write,
                                           source: ActivitySource) {
        if !w.old.isNull { fingerprint.remove(.field(a, field, w.old)) }
        if !value.isNull { fingerprint.add(.field(a, field, value)) }
        if let before = w.tallyBefore {
            fingerprint.remove(.tally(a, before))
            fingerprint.add(.tally(a, Tally(total: before.total + 1, dynamics: before.dynamics + (source == .dynamics ? 1 : 0))))
        }
    }

    // MARK: - Cycles (R1, R4, R6, R7)

    private mutating func begin(at start: Seconds) {
        let split = pending.firstIndex { $0.event.at >= start } ?? pending.count
        let carried = Array(pending[..<split])
        pending.removeFirst(split)
        var order: [String] = []
        var slot: [String: Int] = [:]
        var plans: [Cycle.AccountPlan] = []
        for c in carried {
            let e = c.event
            switch e.kind {
            case .accountCreate(let a, let f), .accountUpdate(let a, let f):
                let i = planIndex(a, &slot, &order, &plans)
                for k in f.keys {
                    if !plans[i].named.contains(k) { plans[i].named.append(k) }
                    if !namedFields.contains(k) { namedFields.insert(k) }
                }
                if case .accountCreate = e.kind { plans[i].createdHere = true }
            case .accountDelete(let a):
                _ = planIndex(a, &slot, &order, &plans)
            default: break
            }
        }
        for i in plans.indices {
            let d = dynamicsAccounts[plans[i].account]!
            plans[i].deleted = d.deleted
            plans[i].values = d.fields
        }
        // With `overwrite: all` every written account gets the same fields: work them out once.
        var allTargets: [String] = []
        if rules.overwrite == .all {
            switch rules.fields {
            case .all: allTargets = namedFields.filter { !rules.unreadable.contains($0) }
            case .list(let names): allTargets = names.filter { !rules.unreadable.contains($0) }
            }
            allTargets.sort(by: CanonicalJSON.utf8Less)
        }
        inflight = Cycle(index: rules.cycleIndex(startingAt: start), start: start, end: start + rules.duration,
                         rules: rules, allTargets: allTargets, carried: carried, accounts: plans)
    }

    private func planIndex(_ a: String, _ slot: inout [String: Int], _ order: inout [String],
                           _ plans: inout [Cycle.AccountPlan]) -> Int {
        if let i = slot[a] { return i }
        slot[a] = plans.count
        order.append(a)
        plans.append(Cycle.AccountPlan(account: a, deleted: false, createdHere: false, values: [:], named: []))
        return plans.count - 1
    }

    private mutating func land(_ cycle: Cycle) {
        let rules = cycle.rules
        var writes: [CycleReport.AccountWrite] = []
        for plan in cycle.accounts {
            let a = plan.account
            if plan.deleted {
                if companies[a] != nil {
                    if !companies[a]!.deletedInDynamics {
                        companies[a]!.deletedInDynamics = true
                        if fingerprinting {
                            fingerprint.remove(.company(a, deleted: false))
                            fingerprint.add(.company(a, deleted: true))
                        }
                        writes.append(.init(account: a, status: .markedDeleted, changes: [], matchedEdits: []))
                    }
                } else {
                    writes.append(.init(account: a, status: .neverReached, changes: [], matchedEdits: []))
                }
                continue
            }
            let isNew = companies[a] == nil
            if isNew {
                companies[a] = Company()
                if fingerprinting {
                    fingerprint.add(.company(a, deleted: false))
                    fingerprint.add(.tally(a, Tally()))
                }
            }
            let targets = rules.overwrite == .all
                ? cycle.allTargets
                : plan.named.filter { rules.syncs($0) }.sorted(by: CanonicalJSON.utf8Less)
            var changes: [FieldChange] = []
            var matched: [(field: String, edit: LocalEdit)] = []
            // One access to the company for all its fields: the cycle's hottest loop.
            let keep = keepsActivityRecords
            let written = companies[a]!.overwrite(targets, with: plan.values, at: cycle.end,
                                                  limit: rules.activityLimit, keepRecord: keep)
            for (field, value, w, lost) in written {
                guard let w else {
                    if let lost { matched.append((field, lost)) }
                    continue
                }
                if fingerprinting { fingerprintWrite(a, field, value, w, source: .dynamics) }
                changes.append(FieldChange(account: a, field: field, old: w.old, new: value, contacts: w.members,
                                           activitiesLogged: w.logged, lostEdit: lost))
            }
            var write = CycleReport.AccountWrite(account: a, status: isNew ? .created : .updated, changes: changes, matchedEdits: matched)
            if recording {
                // Fields Dynamics changed that this cycle does not write, and why (R6, R7).
                for field in plan.named.sorted(by: CanonicalJSON.utf8Less) where !targets.contains(field) {
                    if rules.unreadable.contains(field) {
                        write.skipped.append((field, .unreadable))
                    } else if case .list(let names) = rules.fields, !names.contains(field) {
                        write.skipped.append((field, .notSelected))
                    }
                }
            }
            writes.append(write)
        }
        var links: [CycleReport.Link] = []
        for c in cycle.carried {
            let (seq, e) = (c.seq, c.event)
            switch e.kind {
            case .contactCreate(let c, let a, _):
                contacts[c] = MarketoContact()
                if fingerprinting {
                    fingerprint.add(.contact(c, nil))
                    fingerprint.add(.closed(c, Tally()))
                }
                let to = link(c, to: a)
                links.append(.init(seq: seq, contact: c, from: nil, to: to, created: true))
            case .contactMove(let c, let a):
                let from = unlink(c)
                let to = link(c, to: a)
                links.append(.init(seq: seq, contact: c, from: from, to: to, created: false))
            default: break
            }
        }
        if recording {
            steps.append(.cycle(CycleReport(index: cycle.index, start: cycle.start, end: cycle.end,
                                            carried: cycle.carried.map(\.seq), rules: rules,
                                            accounts: writes, links: links)))
        }
    }

    /// Links a Marketo contact to an account's company, if that company exists.
    private mutating func link(_ c: String, to a: String?) -> String? {
        guard let a, companies[a] != nil else { return nil }
        companies[a]!.members.insert(c)
        let open = Membership(account: a, from: companies[a]!.tally, to: nil)
        contacts[c]!.account = a
        contacts[c]!.open = open
        if fingerprinting {
            fingerprint.remove(.contact(c, nil))
            fingerprint.add(.contact(c, a))
            fingerprint.add(.open(c, a, open.from))
        }
        return a
    }

    /// Ends a contact's current link; its activities so far move to its closed tally.
    private mutating func unlink(_ c: String) -> String? {
        guard var open = contacts[c]?.open else { return nil }
        let a = open.account
        companies[a]!.members.remove(c)
        open.to = companies[a]!.tally
        let before = contacts[c]!.closed
        contacts[c]!.closed = before + (open.to! - open.from)
        if keepsActivityRecords { contacts[c]!.history.append(open) }
        contacts[c]!.open = nil
        contacts[c]!.account = nil
        if fingerprinting {
            fingerprint.remove(.open(c, a, open.from))
            fingerprint.remove(.closed(c, before))
            fingerprint.add(.closed(c, contacts[c]!.closed))
            fingerprint.remove(.contact(c, a))
            fingerprint.add(.contact(c, nil))
        }
        return a
    }
}
