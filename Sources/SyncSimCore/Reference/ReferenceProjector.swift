/// The whole sync contract of `SCENARIO-FORMAT.md`, written to be read rather than to be fast.
///
/// It keeps everything by name in dictionaries, copies freely, recounts the queue each time, and
/// asks the rule files (`Rules/`) every decision. ``Projector`` is the engine that commands use;
/// the equivalence tests and the `SYNCSIM_SHADOW` switch hold the two equal event by event.
///
/// The fold: an event at instant T first lets every cycle due by T land and start
/// (``advance(to:)``), then applies. A Dynamics event changes the Dynamics side at once and waits
/// in the queue for a cycle; a Marketo edit changes the company at once; a `sync.configure`
/// changes the rules.
public struct ReferenceProjector: Sendable {
    /// What Dynamics holds for an account.
    struct DynamicsRecord: Sendable {
        var fields: [String: Value] = [:]
        var deleted = false
    }

    /// Marketo's company for an account.
    struct Company: Sendable {
        var fields: [String: Value] = [:]
        var deletedInDynamics = false
        var stale = false
        /// Local edits not overwritten yet, by field.
        var localEdits: [String: LocalEdit] = [:]
    }

    /// A contact in Marketo.
    struct Contact: Sendable {
        /// The account it is linked to (nil: none); it shows that account's company, if any.
        var account: String?
        /// Its "Change Data Value" activities, oldest first.
        var activities: [Activity] = []
    }

    /// A Dynamics record: an account or a contact (R10).
    enum Record: Hashable, Sendable {
        case account(String)
        case contact(String)
    }

    /// A Dynamics event waiting for a cycle.
    struct Waiting: Sendable {
        var seq: Int
        var event: Event

        /// The record the event belongs to.
        var record: Record {
            switch event.kind {
            case .contactCreate(let c, _, _), .contactMove(let c, _): return .contact(c)
            default: return .account(event.account!)
            }
        }

        var place: QueuePlace { QueuePlace(at: event.at, seq: seq) }
    }

    /// A cycle that started and has not landed.
    struct Cycle: Sendable {
        var index: Int64
        var start: Seconds
        var end: Seconds
        var rules: SyncRules
        var carried: [Waiting]
        /// Per written account, in the order of its first carried event: the Dynamics record as
        /// of the cycle's start, and the fields its carried events named.
        var accounts: [(account: String, record: DynamicsRecord, named: Set<String>)]
    }

    public private(set) var rules: SyncRules
    public private(set) var now: Seconds = 0
    public private(set) var rejections: [Rejection] = []
    var dynamics: [String: DynamicsRecord] = [:]
    var companies: [String: Company] = [:]
    var contacts: [String: Contact] = [:]
    /// The contacts linked to each account (kept with ``link(_:to:)``).
    var members: [String: Set<String>] = [:]
    /// Field names a carried Dynamics account event has named (what `fields: all` selects).
    var named: Set<String> = []
    /// The uncarried Dynamics events, in log order.
    var waiting: [Waiting] = []
    var inflight: Cycle?
    /// When the last cycle started: the next one starts a period later at the earliest.
    var lastStart: Seconds?

    public init(rules: SyncRules) {
        self.rules = rules
    }

    // MARK: - Time (R1)

    /// When the next cycle starts: the first start after the oldest waiting event, and after the
    /// last cycle's start (events a full cycle left waiting are older than its start).
    private var nextStart: Seconds? {
        guard let first = waiting.first else { return nil }
        return rules.cycleStart(after: max(first.event.at, lastStart ?? first.event.at))
    }

    /// Lands and starts every cycle due by `instant`: a cycle ending at T lands before one
    /// starting at T takes what it carries.
    public mutating func advance(to instant: Seconds) {
        while true {
            if let cycle = inflight, cycle.end <= instant {
                inflight = nil
                land(cycle)
            } else if inflight == nil, let start = nextStart, start <= instant {
                begin(at: start)
            } else {
                break
            }
        }
        now = max(now, instant)
    }

    /// Lands every cycle that has work: the run has settled.
    public mutating func settle() {
        while let landing = inflight?.end ?? nextStart.map({ rules.cycleEnd(startingAt: $0) }) { advance(to: landing) }
    }

    // MARK: - Events

    /// Applies the event with sequence number `seq`, after the cycles due by its instant.
    public mutating func apply(_ event: Event, seq: Int) {
        advance(to: event.at)
        switch event.kind {
        case .accountCreate(let a, let f):
            dynamics[a] = DynamicsRecord(fields: f.dictionary.filter { !$0.value.isNull })
        case .accountUpdate(let a, let f):
            for (field, value) in f { dynamics[a, default: DynamicsRecord()].fields[field] = value.isNull ? nil : value }
        case .accountDelete(let a):
            dynamics[a] = DynamicsRecord(deleted: true)
        case .contactCreate, .contactMove:
            break
        case .marketoAccountEdit(let c, let f):
            edit(contact: c, fields: f, seq: seq, event: event)
        case .marketoAccountCreate(let a, _):
            reject(event, seq: seq, reason: MarketoEditRule.accountCreateRejection, account: a)
        case .configure(let change):
            rules.apply(change)
        }
        if event.isDynamics { waiting.append(Waiting(seq: seq, event: event)) }
    }

    private mutating func reject(_ event: Event, seq: Int, reason: String, account: String? = nil, contact: String? = nil) {
        rejections.append(Rejection(seq: seq, at: event.at, type: event.typeName, reason: reason, account: account, contact: contact))
    }

    // MARK: - Marketo edits (R2, R3)

    private mutating func edit(contact c: String, fields: EventFields, seq: Int, event: Event) {
        let account = contacts[c]?.account
        let target = MarketoEditRule.target(contact: c, inMarketo: contacts[c] != nil,
                                            company: account.flatMap { companies[$0] != nil ? $0 : nil })
        switch target {
        case .rejected(let reason):
            reject(event, seq: seq, reason: reason, contact: c)
        case .company(let a):
            for (field, value) in fields {  // in name order
                companies[a]!.localEdits[field] = LocalEdit(seq: seq, at: event.at, contact: c, value: value)
                write(field, value, account: a, at: event.at, source: .marketo, cause: .edit(seq: seq),
                      limit: rules.activityLimit, logs: true)
            }
        }
    }

    // MARK: - Writes and activities (R8, R9)

    /// Links a contact to `account` (nil: to none).
    private mutating func link(_ c: String, to account: String?) {
        if let old = contacts[c]?.account { members[old]?.remove(c) }
        if let account { members[account, default: []].insert(c) }
        contacts[c, default: Contact()].account = account
    }

    /// Sets a company field; when the value changes, each member gets an activity unless the
    /// company has more members than `limit`, or the write is one that logs none (`logs`).
    private mutating func write(_ field: String, _ value: Value, account a: String, at: Seconds,
                                source: ActivitySource, cause: ActivityCause, limit: Int64, logs: Bool) {
        let old = companies[a]!.fields[field] ?? .null
        guard ActivityRule.changes(from: old, to: value) else { return }
        companies[a]!.fields[field] = value.isNull ? nil : value
        let members = members[a] ?? []
        guard logs, ActivityRule.logs(members: members.count, limit: limit) else { return }
        for c in members {
            contacts[c]!.activities.append(Activity(contact: c, field: field, old: old, new: value, at: at, source: source, cause: cause))
        }
    }

    // MARK: - Cycles (R1, R10)

    /// The records of `events` in queue order, each with its events (R10).
    func queueOrder(_ events: [Waiting]) -> [(record: Record, events: [Waiting])] {
        var byRecord: [Record: [Waiting]] = [:]
        for w in events { byRecord[w.record, default: []].append(w) }
        func place(_ events: [Waiting]) -> QueuePlace {
            rules.queuePlace(oldest: events.first!.place, latest: events.last!.place)
        }
        return byRecord.map { ($0.key, $0.value) }.sorted { place($0.events) < place($1.events) }
    }

    private mutating func begin(at start: Seconds) {
        // The records with an uncarried event before the start, in queue order; the first
        // `capacity` of them go with every such event of theirs.
        let before = waiting.filter { SyncRules.carries(eventAt: $0.event.at, cycleStartingAt: start) }
        let queue = queueOrder(before)
        let taken = Set(queue.prefix(rules.recordsCarried(of: queue.count)).map(\.record))
        let carried = before.filter { taken.contains($0.record) }
        let carriedSeqs = Set(carried.map(\.seq))
        waiting.removeAll { carriedSeqs.contains($0.seq) }
        lastStart = start
        var accounts: [(account: String, record: DynamicsRecord, named: Set<String>)] = []
        for w in carried {
            var names: [String] = []
            let account: String
            switch w.event.kind {
            case .accountCreate(let a, let f), .accountUpdate(let a, let f):
                account = a
                names = Array(f.keys)
            case .accountDelete(let a):
                account = a
            default:
                continue
            }
            named.formUnion(names)
            if let i = accounts.firstIndex(where: { $0.account == account }) {
                accounts[i].named.formUnion(names)
            } else {
                accounts.append((account, dynamics[account]!, Set(names)))
            }
        }
        inflight = Cycle(index: rules.cycleIndex(startingAt: start), start: start, end: rules.cycleEnd(startingAt: start),
                         rules: rules, carried: carried, accounts: accounts)
    }

    // MARK: - What a cycle writes (R4, R6, R7, R11)

    private mutating func land(_ cycle: Cycle) {
        let rules = cycle.rules
        // Step 1: accounts, each once, with the Dynamics values as of the cycle's start.
        for (a, record, namedHere) in cycle.accounts {
            if record.deleted {
                let outcome = DeleteRule.outcome(companyExists: companies[a] != nil,
                                                 markedDeleted: companies[a]?.deletedInDynamics ?? false)
                if outcome == .markDeleted { companies[a]!.deletedInDynamics = true }
                if companies[a] != nil { companies[a]!.stale = false }
                continue
            }
            let filteredOut = rules.filtersOut(filterValue: rules.filter.fieldName.flatMap { record.fields[$0] })
            let filter = SyncRules.filterOutcome(filteredOut: filteredOut, companyExists: companies[a] != nil,
                                                 stale: companies[a]?.stale ?? false)
            switch filter {
            case .skipped: continue
            case .goesStale:
                companies[a]!.stale = true
                continue
            case .writtenWholeAgain: companies[a]!.stale = false
            case .synced: break
            }
            let isNew = companies[a] == nil
            if isNew { companies[a] = Company() }
            let whole = FirstWriteRule.writesWhole(companyIsNew: isNew, filter: filter)
            var candidates = named
            if case .list(let names) = rules.fields { candidates.formUnion(names) }
            let written = candidates.filter { field in
                let decision = rules.syncDecision(field, named: named.contains(field))
                return rules.cycleWrites(synced: decision.syncs, named: namedHere.contains(field), whole: whole)
            }
            for field in written.sorted(by: CanonicalJSON.utf8Less) {
                companies[a]!.localEdits[field] = nil  // R4: a local edit of a written field is lost
                write(field, record.fields[field] ?? .null, account: a, at: cycle.end, source: .dynamics, cause: .cycle(cycle.index),
                      limit: rules.activityLimit, logs: FirstWriteRule.firstWriteLogsActivities(companyIsNew: isNew))
            }
        }
        // Step 2: the carried contact creates and moves, in log order.
        for w in cycle.carried {
            switch w.event.kind {
            case .contactCreate(let c, let a, _):
                link(c, to: ContactLinkRule.linkedAccount(named: a))
            case .contactMove(let c, let a):
                link(c, to: ContactLinkRule.linkedAccount(named: a))
            default:
                break
            }
        }
    }

    // MARK: - What it shows

    /// The activities logged on a contact so far, oldest first.
    public func activities(of contact: String) -> [Activity] { contacts[contact]?.activities ?? [] }

    /// Local edits of an account's company that Dynamics has not overwritten yet, by field.
    public func localEdits(of account: String) -> [String: LocalEdit] { companies[account]?.localEdits ?? [:] }

    /// The queue now (R10).
    public var queue: QueueState {
        QueueState(records: Set(waiting.map(\.record)).count, oldest: waiting.map(\.event.at).min())
    }

    /// Whether a record has Dynamics events that no cycle has carried.
    public func isPending(account: String) -> Bool { waiting.contains { $0.record == .account(account) } }
    public func isPending(contact: String) -> Bool { waiting.contains { $0.record == .contact(contact) } }

    /// What Marketo shows and Dynamics holds now, as ``Projector/projection(contacts:accounts:)`` gives it.
    public func projection() -> Projection {
        var shown: [String: Projection.ContactView] = [:]
        for (c, contact) in contacts {
            let bySource = Dictionary(grouping: contact.activities, by: \.source).mapValues(\.count)
            shown[c] = Projection.ContactView(
                account: contact.account, fields: contact.account.flatMap { companies[$0]?.fields } ?? [:],
                activities: contact.activities.count,
                activitiesBySource: [.dynamics: bySource[.dynamics] ?? 0, .marketo: bySource[.marketo] ?? 0])
        }
        var accounts: [String: Projection.AccountView] = [:]
        for a in Set(companies.keys).union(dynamics.keys) {
            let live = dynamics[a].flatMap { $0.deleted ? nil : $0.fields }
            guard companies[a] != nil || live != nil else { continue }
            accounts[a] = Projection.AccountView(marketo: companies[a]?.fields, dynamics: live,
                                                 deletedInDynamics: companies[a]?.deletedInDynamics ?? false,
                                                 stale: companies[a]?.stale ?? false)
        }
        return Projection(at: now, contacts: shown, accounts: accounts, rejected: rejections, queue: queue)
    }
}
