import CPrefetch
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
    /// When true, the events of each landed cycle are kept (see ``takeLanded()``) rather than
    /// freed as it lands: an import hands them back to the thread that made them, which frees
    /// them (freeing another thread's memory contends for its allocator's lock; freeing a
    /// cycle's events was a twentieth of the projecting thread's time).
    public var keepsLanded = false
    /// The events of the cycles landed since the last ``takeLanded()`` (when ``keepsLanded``).
    var landed: [[Carried]] = []

    /// Events of landed cycles, held only to be freed where the caller chooses.
    public struct Landed: Sendable {
        var cycles: [[Carried]]
        public init() { cycles = [] }
        init(cycles: [[Carried]]) { self.cycles = cycles }
    }

    /// Returns, and no longer holds, the events of the cycles landed since the last call.
    public mutating func takeLanded() -> Landed {
        defer { landed = [] }
        return Landed(cycles: landed)
    }

    /// When true, ``fingerprint`` follows every change of the observable state.
    var fingerprinting = false
    /// Order-independent hash of the observable state (when ``fingerprinting``).
    private(set) var fingerprint = Fingerprint()

    /// Field names, accounts and contacts as dense ids (see ``Interner``).
    var fieldNames = Interner()
    var accountNames = Interner()
    var contactNames = Interner()
    /// By account id: what Dynamics holds (nil if the account never existed there).
    var dynamicsAccounts: [DynamicsAccount?] = []
    /// By account id: Marketo's company (nil if none reached Marketo).
    var companies: [Company?] = []
    /// By contact id: the contacts in Marketo.
    var contacts: [MarketoContact?] = []
    /// By account id: how many times what a snapshot holds of the account (its Dynamics account
    /// and its company, members aside) has changed, so that a snapshot re-encodes only the
    /// accounts that changed since the last one (see ``SnapshotCache``). Every change of
    /// ``dynamicsAccounts`` or ``companies`` but their members goes through ``touch(_:)``.
    var accountVersions: [UInt64] = []
    /// By chunk of ``contactChunk`` contact ids: how many times what a snapshot holds of those
    /// contacts (whether each is in Marketo, its open link, its closed tally) has changed, as
    /// ``accountVersions`` does for accounts. Contacts change only when a cycle lands their create
    /// or move, which calls ``touchContact(_:)``.
    var contactChunkVersions: [UInt64] = []
    /// Contacts per piece of a snapshot's contact section.
    static let contactChunk = 16
    /// By field id: whether a carried Dynamics account event has named it (`fields: all`).
    var namedFields: [Bool] = []
    var pending: [Carried] = []
    var inflight: Cycle?

    /// A Dynamics event waiting for, or carried by, a sync cycle (a struct, not a tuple:
    /// tuple metadata lookups showed up in replay profiles).
    struct Carried: Sendable {
        var seq: Int
        var event: Event
        /// The account id of an account event, -1 for other events.
        var account: Int32 = -1
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
        /// The fields `overwrite: all` writes, in name order.
        var allTargets: [Int32]
        var carried: [Carried]
        var accounts: [AccountPlan]
    }

    /// The reference projector run beside this one when `SYNCSIM_SHADOW` is set.
    var shadow: ShadowReference?

    /// A projector for a log that ran with `rules`.
    public init(rules: SyncRules, keepingActivityRecords: Bool = false) {
        self.rules = rules
        keepsActivityRecords = keepingActivityRecords
        shadow = ShadowReference.make(rules: rules)
    }

    /// Returns and clears the recorded steps.
    public mutating func takeSteps() -> [Step] {
        defer { steps = [] }
        return steps
    }

    // MARK: - Ids

    /// The id of an account, assigned on first sight.
    mutating func accountID(_ a: String) -> Int32 {
        let i = accountNames.id(a)
        if Int(i) == companies.count {
            companies.append(nil)
            dynamicsAccounts.append(nil)
            accountVersions.append(0)
        }
        return i
    }

    /// Notes a change of an account's Dynamics record or company (members aside).
    mutating func touch(_ ai: Int32) {
        accountVersions[Int(ai)] &+= 1
    }

    /// The id of a contact, assigned on first sight.
    mutating func contactID(_ c: String) -> Int32 {
        let i = contactNames.id(c)
        if Int(i) == contacts.count {
            contacts.append(nil)
            if Int(i) / Self.contactChunk == contactChunkVersions.count { contactChunkVersions.append(0) }
        }
        return i
    }

    /// Notes a change of what a snapshot holds of a contact.
    mutating func touchContact(_ ci: Int32) {
        contactChunkVersions[Int(ci) / Self.contactChunk] &+= 1
    }

    /// The id of a field name. Names seen for the first time are numbered in name order with the
    /// other new names of `batch`, so ids never follow a dictionary's hash order.
    mutating func fieldID<S: Sequence<String>>(_ name: String, among batch: S) -> Int32 {
        if let i = fieldNames.cachedLookup(name) { return i }
        for k in batch.sorted(by: CanonicalJSON.utf8Less) where fieldNames.lookup(k) == nil {
            _ = fieldNames.id(k)
            namedFields.append(false)
        }
        return fieldNames.lookup(name)!
    }

    /// Event fields as field values (`null`s dropped).
    private mutating func fieldValues(_ f: EventFields) -> FieldValues {
        var out = FieldValues()
        for (k, v) in f where !v.isNull { out.set(fieldID(k, among: f.keys), v) }
        return out
    }

    // MARK: - Time

    /// Runs every cycle that lands or starts at or before `instant`.
    public mutating func advance(to instant: Seconds) {
        // Called for every event: the cycle and the pending events are looked at in place, not
        // copied (a copy of the cycle retains every array it holds).
        while true {
            if let end = inflight?.end, end <= instant {
                land(inflight.take()!)
                continue
            }
            if case .none = inflight, !pending.isEmpty {
                let start = rules.cycleStart(after: pending[0].event.at)
                if start <= instant {
                    begin(at: start)
                    continue
                }
            }
            break
        }
        if instant > now { now = instant }
        if shadow != nil { shadow!.reference.advance(to: instant) }
    }

    /// When the next pending cycle lands, if one has work (for narration and bisection).
    public var nextCycleLanding: Seconds? {
        if let end = inflight?.end { return end }
        if let first = pending.first { return rules.cycleStart(after: first.event.at) + rules.duration }
        return nil
    }

    /// ``apply(_:seq:)``, returning the reason the rules rejected the event (the one a log
    /// records beside it), nil if they took it.
    public mutating func rejection(applying event: consuming Event, seq: Int) -> String? {
        let before = rejections.count
        apply(event, seq: seq)
        return rejections.count > before ? rejections.last!.reason : nil
    }

    /// Applies the event with sequence number `seq`; cycles due before it run first.
    /// Consuming: a Dynamics event waits in ``pending``, and a caller that hands over its own
    /// event (a replay's fold) spares its copy there.
    public mutating func apply(_ event: consuming Event, seq: Int) {
        advance(to: event.at)
        lastSeq = seq
        var outcome: EventReport.Outcome?
        // The account id a Dynamics event waits with (-1: not an account event); nil: it does not wait.
        var waits: Int32?
        switch event.kind {
        case .accountCreate(let a, let f):
            let ai = accountID(a)
            setDynamics(ai, DynamicsAccount(fields: fieldValues(f)))
            waits = ai
        case .accountUpdate(let a, let f):
            let ai = accountID(a)
            if fingerprinting {
                var d = dynamicsAccounts[Int(ai)] ?? DynamicsAccount()
                for (k, v) in f { d.fields.set(fieldID(k, among: f.keys), v) }
                setDynamics(ai, d)
            } else if dynamicsAccounts[Int(ai)] != nil {
                // In place: copying the account's fields for every update would dominate a bulk replay.
                for (k, v) in f { dynamicsAccounts[Int(ai)]!.fields.set(fieldID(k, among: f.keys), v) }
                touch(ai)
            }
            waits = ai
        case .accountDelete(let a):
            let ai = accountID(a)
            setDynamics(ai, DynamicsAccount(deleted: true))
            waits = ai
        case .contactCreate, .contactMove:
            // Contacts change Marketo only when a cycle carries them (step 2 of `land`).
            waits = -1
        case .marketoAccountEdit(let c, let f):
            outcome = edit(contact: c, fields: f, seq: seq, at: event.at)
        case .marketoAccountCreate(let a, _):
            outcome = reject(event, seq, MarketoEditRule.accountCreateRejection, account: a)
        case .configure(let change):
            rules.apply(change)
            outcome = .configured(rules)
        }
        if recording {
            let outcome = outcome ?? .pending(cycleStart: rules.cycleStart(after: event.at))
            steps.append(.event(EventReport(seq: seq, event: copy event, outcome: outcome)))
        }
        if var s = shadow.take() {
            s.follow(copy event, seq: seq, engine: self)
            shadow = s
        }
        // Last, so that the event moves into the queue.
        if let account = waits { pending.append(Carried(seq: seq, event: event, account: account)) }
    }

    private mutating func setDynamics(_ ai: Int32, _ d: DynamicsAccount) {
        if fingerprinting {
            let a = accountNames[ai]
            if let old = dynamicsAccounts[Int(ai)] { fingerprint.remove(.dynamics(a, old.fields.named(fieldNames), deleted: old.deleted)) }
            fingerprint.add(.dynamics(a, d.fields.named(fieldNames), deleted: d.deleted))
        }
        dynamicsAccounts[Int(ai)] = d
        touch(ai)
    }

    private mutating func reject(_ event: Event, _ seq: Int, _ reason: String,
                                 account: String? = nil, contact: String? = nil) -> EventReport.Outcome {
        rejections.append(Rejection(seq: seq, at: event.at, type: event.typeName, reason: reason,
                                    account: account, contact: contact))
        if fingerprinting { fingerprint.add(.rejection(event.at, event.typeName, reason, account, contact)) }
        return .rejected(reason)
    }

    // MARK: - Marketo edits (R2, R3)

    private mutating func edit(contact c: String, fields: EventFields, seq: Int, at: Seconds) -> EventReport.Outcome {
        let mc = contactNames.lookup(c).flatMap { contacts[Int($0)] }
        let companyID = mc?.account.flatMap { companies[Int($0)] != nil ? $0 : nil }
        let target = MarketoEditRule.target(contact: c, inMarketo: mc != nil, company: companyID.map { accountNames[$0] })
        guard case .company = target, let ai = companyID else {
            guard case .rejected(let reason) = target else { preconditionFailure("a company without its id") }
            return reject(Event(at: at, kind: .marketoAccountEdit(contact: c, fields: fields)), seq, reason, contact: c)
        }
        var changes: [FieldChange] = []
        var company = companies[Int(ai)].take()!
        touch(ai)
        for (field, value) in fields {  // in name order
            let fi = fieldID(field, among: fields.keys)
            company.recordEdit(fi, LocalEdit(seq: seq, at: at, contact: c, value: value))
            if let old = write(fi, value, to: &company, account: ai, at: at, source: .marketo, limit: rules.activityLimit), recording {
                changes.append(FieldChange(account: accountNames[ai], field: field, old: old, new: value, contacts: company.members.count,
                                           activitiesLogged: company.logs(limit: rules.activityLimit), lostEdit: nil))
            }
        }
        companies[Int(ai)] = company
        return .edited(changes, account: accountNames[ai])
    }

    /// Sets one company field; logs activities when the value changes and the
    /// company is within the activity limit (R8, R9).
    /// `company` is the account's, taken out of ``companies`` by the caller for the length of its
    /// writes: the projector's hottest loop then works on a local value.
    @discardableResult
    private mutating func write(_ field: Int32, _ value: Value, to company: inout Company, account ai: Int32, at: Seconds,
                                source: ActivitySource, limit: Int64) -> Value? {
        let before = company.tally
        guard let old = company.set(field, value, source: source, limit: limit) else { return nil }
        let logged = company.tally.total != before.total
        if keepsActivityRecords, logged {
            company.records.append(CompanyChange(field: fieldNames[field], old: old, new: value, at: at, source: source))
        }
        if fingerprinting { fingerprintWrite(ai, field, value, old: old, tallyBefore: logged ? before : nil, source: source) }
        return old
    }

    private mutating func fingerprintWrite(_ ai: Int32, _ fi: Int32, _ value: Value, old: Value, tallyBefore: Tally?,
                                           source: ActivitySource) {
        let (a, field) = (accountNames[ai], fieldNames[fi])
        if !old.isNull { fingerprint.remove(.field(a, field, old)) }
        if !value.isNull { fingerprint.add(.field(a, field, value)) }
        if let before = tallyBefore {
            fingerprint.remove(.tally(a, before))
            fingerprint.add(.tally(a, Tally(total: before.total + 1, dynamics: before.dynamics + (source == .dynamics ? 1 : 0))))
        }
    }

    // MARK: - Cycles (R1, R4, R6, R7)

    private mutating func begin(at start: Seconds) {
        let split = pending.firstIndex { $0.event.at >= start } ?? pending.count
        let carried: [Carried]
        if split == pending.count {
            // The usual case, everything pending: the array changes hands, no event is copied.
            carried = pending
            pending = []
        } else {
            carried = Array(pending[..<split])
            pending.removeFirst(split)
        }
        // By account id, its plan's index: sized by what the cycle carries, not by every account
        // (a cycle a second over a large log must not cost a pass over all accounts).
        var slot = IDIndex(capacity: carried.count)
        var plans: [Cycle.AccountPlan] = []
        // By index: the carried events are read in place, not copied one by one.
        for k in carried.indices where carried[k].account >= 0 {
            let account = carried[k].account
            let i = slot.value(of: account) {
                plans.append(Cycle.AccountPlan(account: account, deleted: false, createdHere: false, values: FieldValues(), named: FieldIDSet()))
                return plans.count - 1
            }
            switch carried[k].event.kind {
            case .accountCreate(_, let f), .accountUpdate(_, let f):
                for key in f.keys {
                    let fi = fieldID(key, among: f.keys)
                    plans[i].named.insert(fi)
                    namedFields[Int(fi)] = true
                }
                if case .accountCreate = carried[k].event.kind { plans[i].createdHere = true }
            default: break
            }
        }
        // Read in place through a buffer: copying each account out of its array retained its
        // fields and released them again; the plan's own copy of the fields is one retain, a
        // write to the fields' header, scattered on the heap: the record two plans ahead, then
        // the fields' header one ahead, are asked for meanwhile.
        dynamicsAccounts.withUnsafeBufferPointer { dynamics in
            for i in plans.indices {
                if i + 2 < plans.count { syncsim_prefetch(dynamics.baseAddress! + Int(plans[i + 2].account)) }
                if i + 1 < plans.count { Prefetcher.prefetchFields(of: dynamics.baseAddress! + Int(plans[i + 1].account)) }
                let a = Int(plans[i].account)
                plans[i].deleted = dynamics[a]!.deleted
                plans[i].values = dynamics[a]!.fields
            }
        }
        // When every written account gets the same fields (R4's `overwrite: all`), they are
        // worked out once: every synced field (R6, R7), those a list selects included even
        // before an event names them.
        var allTargets: [String] = []
        if rules.writesEverySyncedField {
            var candidates = fieldNames.names
            if case .list(let names) = rules.fields { candidates += names.filter { fieldNames.lookup($0) == nil } }
            allTargets = candidates.filter { name in
                let named = fieldNames.lookup(name).map { namedFields[Int($0)] } ?? false
                return rules.syncDecision(name, named: named).syncs
            }.sorted(by: CanonicalJSON.utf8Less)
        }
        let targetIDs = allTargets.map { fieldID($0, among: allTargets) }
        inflight = Cycle(index: rules.cycleIndex(startingAt: start), start: start, end: start + rules.duration,
                         rules: rules, allTargets: targetIDs, carried: carried, accounts: plans)
    }

    private mutating func land(_ cycle: Cycle) {
        let rules = cycle.rules
        var writes: [CycleReport.AccountWrite] = []
        // Per field id, when the fields written depend on the account (`overwrite: changed`):
        // whether the cycle writes it if named (R4, R6, R7), and its rank by name.
        var writesNamed: [Bool] = []
        var rank: [Int] = []
        if !rules.writesEverySyncedField {
            writesNamed = fieldNames.names.indices.map {
                rules.cycleWrites(synced: rules.syncDecision(fieldNames.names[$0], named: namedFields[$0]).syncs, named: true)
            }
            rank = Array(repeating: 0, count: fieldNames.count)
            for (r, i) in fieldNames.names.indices.sorted(by: { CanonicalJSON.utf8Less(fieldNames.names[$0], fieldNames.names[$1]) }).enumerated() {
                rank[i] = r
            }
        }
        // By index: each plan is read in place, not copied.
        for p in cycle.accounts.indices {
            for ahead in 1...2 where p + ahead < cycle.accounts.count {
                Prefetcher.plan(p + ahead, of: cycle.accounts, ahead: ahead, self)
            }
            let ai = cycle.accounts[p].account
            if cycle.accounts[p].deleted {
                switch DeleteRule.outcome(companyExists: companies[Int(ai)] != nil,
                                          markedDeleted: companies[Int(ai)]?.deletedInDynamics ?? false) {
                case .markDeleted:
                    companies[Int(ai)]!.deletedInDynamics = true
                    touch(ai)
                    if fingerprinting {
                        fingerprint.remove(.company(accountNames[ai], deleted: false))
                        fingerprint.add(.company(accountNames[ai], deleted: true))
                    }
                    if recording { writes.append(.init(account: accountNames[ai], status: .markedDeleted, changes: [], matchedEdits: [])) }
                case .alreadyMarked:
                    break
                case .neverReached:
                    if recording { writes.append(.init(account: accountNames[ai], status: .neverReached, changes: [], matchedEdits: [])) }
                }
                continue
            }
            let isNew = companies[Int(ai)] == nil
            if isNew {
                companies[Int(ai)] = Company()
                if fingerprinting {
                    fingerprint.add(.company(accountNames[ai], deleted: false))
                    fingerprint.add(.tally(accountNames[ai], Tally()))
                }
            }
            let targets = rules.writesEverySyncedField
                ? cycle.allTargets
                : cycle.accounts[p].named.sorted.filter { writesNamed[Int($0)] }.sorted { rank[Int($0)] < rank[Int($1)] }
            var changes: [FieldChange] = []
            var matched: [(field: String, edit: LocalEdit)] = []
            var company = companies[Int(ai)].take()!
            defer { companies[Int(ai)] = company }
            touch(ai)
            for field in targets {
                let value = cycle.accounts[p].values.value(field) ?? .null
                guard recording else {
                    // Nothing reports the lost edit: it is dropped, not returned.
                    company.dropEdit(field)
                    write(field, value, to: &company, account: ai, at: cycle.end, source: .dynamics, limit: rules.activityLimit)
                    continue
                }
                let lost = company.takeEdit(field)
                guard let old = write(field, value, to: &company, account: ai, at: cycle.end, source: .dynamics, limit: rules.activityLimit) else {
                    if let lost { matched.append((fieldNames[field], lost)) }
                    continue
                }
                changes.append(FieldChange(account: accountNames[ai], field: fieldNames[field], old: old, new: value,
                                           contacts: company.members.count, activitiesLogged: company.logs(limit: rules.activityLimit), lostEdit: lost))
            }
            guard recording else { continue }
            var write = CycleReport.AccountWrite(account: accountNames[ai], status: isNew ? .created : .updated,
                                                 changes: changes, matchedEdits: matched)
            // Fields Dynamics changed that this cycle does not write, and why (R6, R7).
            for fi in cycle.accounts[p].named.sorted.sorted(by: { CanonicalJSON.utf8Less(fieldNames[$0], fieldNames[$1]) })
            where !targets.contains(fi) {
                if case .skip(let reason) = rules.syncDecision(fieldNames[fi], named: namedFields[Int(fi)]) {
                    write.skipped.append((fieldNames[fi], reason))
                }
            }
            writes.append(write)
        }
        var links: [CycleReport.Link] = []
        for k in cycle.carried.indices {
            // The slots of the ids a contact's create or move a few events on will look up, asked
            // for now: in a table of hundreds of thousands of contacts, each lookup waited for memory.
            if k + Prefetcher.distance < cycle.carried.count { Prefetcher.link(cycle.carried[k + Prefetcher.distance].event, self) }
            let seq = cycle.carried[k].seq
            switch cycle.carried[k].event.kind {
            case .contactCreate(let c, let a, _):
                let ci = contactID(c)
                contacts[Int(ci)] = MarketoContact()
                touchContact(ci)  // a contact record changes only here and in the move below
                if fingerprinting {
                    fingerprint.add(.contact(c, nil))
                    fingerprint.add(.closed(c, Tally()))
                }
                let to = link(ci, to: a)
                if recording { links.append(.init(seq: seq, contact: c, from: nil, to: to, created: true)) }
            case .contactMove(let c, let a):
                let ci = contactID(c)
                touchContact(ci)
                let from = unlink(ci)
                let to = link(ci, to: a)
                if recording { links.append(.init(seq: seq, contact: c, from: from, to: to, created: false)) }
            default: break
            }
        }
        if keepsLanded { landed.append(cycle.carried) }
        if recording {
            steps.append(.cycle(CycleReport(index: cycle.index, start: cycle.start, end: cycle.end,
                                            carried: cycle.carried.map(\.seq), rules: rules,
                                            accounts: writes, links: links)))
        }
    }

    /// Links a Marketo contact to an account's company, if that company exists.
    private mutating func link(_ ci: Int32, to a: String?) -> String? {
        let ai = a.flatMap { accountNames.lookup($0) }
        guard let a = ContactLinkRule.linkedCompany(account: a, companyExists: ai.map { companies[Int($0)] != nil } ?? false),
              let ai else { return nil }
        contacts[Int(ci)]!.slot = Int32(companies[Int(ai)]!.members.count)
        companies[Int(ai)]!.members.append(ci)
        let open = OpenLink(account: ai, from: companies[Int(ai)]!.tally)
        contacts[Int(ci)]!.open = open
        if fingerprinting {
            let c = contactNames[ci]
            fingerprint.remove(.contact(c, nil))
            fingerprint.add(.contact(c, a))
            fingerprint.add(.open(c, a, open.from))
        }
        return a
    }

    /// Ends a contact's current link; its activities so far move to its closed tally.
    private mutating func unlink(_ ci: Int32) -> String? {
        guard let link = contacts[Int(ci)]?.open else { return nil }
        let ai = link.account
        let open = Membership(account: ai, from: link.from, to: companies[Int(ai)]!.tally)
        let slot = Int(contacts[Int(ci)]!.slot)
        let last = companies[Int(ai)]!.members.removeLast()
        if last != ci {
            companies[Int(ai)]!.members[slot] = last
            contacts[Int(last)]!.slot = Int32(slot)
        }
        contacts[Int(ci)]!.slot = -1
        let before = contacts[Int(ci)]!.closed
        contacts[Int(ci)]!.closed = before + (open.to! - open.from)
        if keepsActivityRecords { contacts[Int(ci)]!.history.append(open) }
        contacts[Int(ci)]!.open = nil
        let a = accountNames[ai]
        if fingerprinting {
            let c = contactNames[ci]
            fingerprint.remove(.open(c, a, open.from))
            fingerprint.remove(.closed(c, before))
            fingerprint.add(.closed(c, contacts[Int(ci)]!.closed))
            fingerprint.remove(.contact(c, a))
            fingerprint.add(.contact(c, nil))
        }
        return a
    }
}

/// A set of field ids: the first 64 as bits, any others in a list. A cycle's plan for an account
/// notes the fields its carried events named (a handful: a workload has eight); an array of them
/// was an allocation for every account a cycle writes.
struct FieldIDSet: Sendable {
    private var low: UInt64 = 0
    private var high: [Int32] = []

    init() {}

    init(_ ids: [Int32]) {
        for id in ids { insert(id) }
    }

    mutating func insert(_ id: Int32) {
        if id < 64 {
            low |= 1 << UInt64(id)
        } else if !high.contains(id) {
            high.append(id)
        }
    }

    /// The ids in ascending order.
    var sorted: [Int32] {
        var out: [Int32] = []
        out.reserveCapacity(low.nonzeroBitCount + high.count)
        var bits = low
        while bits != 0 {
            out.append(Int32(bits.trailingZeroBitCount))
            bits &= bits - 1
        }
        out.append(contentsOf: high.sorted())
        return out
    }
}
