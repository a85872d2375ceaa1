import CPrefetch
/// Folds a log's events into what Dynamics holds and what Marketo shows, instant by instant.
///
/// A pure, deterministic fold: no clock, no I/O. Time moves only when the caller
/// applies an event or calls ``advance(to:)``. Within one instant the order is the
/// format's: the cycle that ends then lands, the cycle that starts then takes what
/// it carries, then the events of that instant apply in log order.
///
/// The engine behind every command, built for speed; ``ReferenceProjector`` is the same
/// contract written plainly, and tests hold the two equal. The rule decisions are the
/// functions of `Rules/`; this file holds the state and the one door through which it changes
/// (below): the functions that alone bump the snapshot versions (``touch(_:)``), follow the
/// fingerprint and keep activity records, so that no change can forget them. The events apply
/// in `Projector+Events.swift`, the cycles run in `Projector+Cycles.swift`.
public struct Projector: Sendable {
    /// The rules in force now, after every applied `sync.configure`.
    public private(set) var rules: SyncRules
    /// The instant the projection has reached.
    public internal(set) var now: Seconds = 0
    /// Sequence number of the last applied event (0 before any).
    public internal(set) var lastSeq = 0
    /// Rejected events so far.
    public private(set) var rejections: [Rejection] = []
    /// When true, each applied event and landed cycle is appended to ``steps``.
    public var recording = false
    /// The steps recorded since the last ``takeSteps()``.
    public private(set) var steps: [Step] = []
    /// When true, every activity-logging change is kept, so ``activities(of:)`` and per-field
    /// counts work (runs that check expectations, explanations of one contact). By default only
    /// counts by source are kept, and memory grows with accounts and contacts, not with events.
    public var keepsActivityRecords = false
    /// When true, every activity-logging change is kept with the company's members at that
    /// moment until ``takeLoggedChanges()``: what ``ActivityStream`` exports, a batch at a time.
    public var exportsActivities = false
    /// The activity-logging changes since the last ``takeLoggedChanges()`` (when ``exportsActivities``).
    private(set) var exported: [LoggedChange] = []

    /// Returns, and no longer holds, the activity-logging changes since the last call, in the
    /// order they were made.
    mutating func takeLoggedChanges() -> [LoggedChange] {
        defer { exported = [] }
        return exported
    }

    /// When true, the events of each landed cycle are kept (see ``takeLanded()``) rather than
    /// freed as it lands: an import hands them back to the thread that made them, which frees
    /// them (freeing another thread's memory contends for its allocator's lock).
    public var keepsLanded = false
    /// The events of the cycles landed since the last ``takeLanded()`` (when ``keepsLanded``).
    var landed: [[Carried]] = []

    /// Returns, and no longer holds, the events of the cycles landed since the last call.
    public mutating func takeLanded() -> Landed {
        defer { landed = [] }
        return Landed(cycles: landed)
    }

    /// When true, ``fingerprint`` follows every change of the observable state, and the names'
    /// hashes that it takes are kept rather than worked out again at each change.
    var fingerprinting = false {
        didSet {
            guard fingerprinting != oldValue else { return }
            accountNames.keepHashes(fingerprinting)
            contactNames.keepHashes(fingerprinting)
            fieldNames.keepHashes(fingerprinting)
        }
    }
    /// When true (or when ``fingerprinting``), the queue's records are counted as events come
    /// and go (``countedQueue``); `stats` follows the largest queue this way, without hashing
    /// the whole state as the fingerprint does.
    var countingQueue = false
    /// Order-independent hash of the observable state but the queue (when ``fingerprinting``).
    private var stateFingerprint = Fingerprint()

    /// Order-independent hash of the observable state (when ``fingerprinting``). The queue's
    /// part is added when asked, once per comparison: the queue changes with every Dynamics
    /// event, and its figures (``countedQueue``) are counted as it does, so nothing is hashed
    /// at each of those changes.
    var fingerprint: Fingerprint {
        var f = stateFingerprint
        f.add(.queue(countedQueue))
        return f
    }
    /// What changes touched since ``clearTouches()``, when not nil.
    var touches: Touches?

    /// What changes touched since ``clearTouches()``.
    var touched: Touches.Lists {
        guard let t = touches else { return ([], [], []) }
        return (t.accounts.ids, t.companies.ids, t.contacts.ids)
    }

    /// Starts noting what changes touch again; the lists keep their storage, as the
    /// whole-timeline diff clears them at every instant.
    mutating func clearTouches() {
        touches?.clear()
    }

    /// Field names, accounts and contacts as dense ids (see ``Interner``).
    private(set) var fieldNames = Interner()
    private(set) var accountNames = Interner()
    private(set) var contactNames = Interner()
    /// By account id: what Dynamics holds (nil if the account never existed there).
    private(set) var dynamicsAccounts: [DynamicsAccount?] = []
    /// By account id: Marketo's company (nil if none reached Marketo).
    private(set) var companies: [Company?] = []
    /// By contact id: the contacts in Marketo.
    private(set) var contacts: [MarketoContact?] = []
    /// By account id: how many times what a snapshot holds of the account (its Dynamics account
    /// and its company, members aside) has changed, so that a snapshot re-encodes only the
    /// accounts that changed since the last one (see ``SnapshotCache``). Every change of
    /// ``dynamicsAccounts`` or ``companies`` but their members goes through ``touch(_:)``.
    private(set) var accountVersions: [UInt64] = []
    /// By chunk of ``contactChunk`` contact ids: how many times what a snapshot holds of those
    /// contacts (whether each is in Marketo, its open link, its closed tally) has changed, as
    /// ``accountVersions`` does for accounts. Contacts change only when a cycle lands their create
    /// or move, which calls ``touchContact(_:)``.
    private(set) var contactChunkVersions: [UInt64] = []
    /// Contacts per piece of a snapshot's contact section.
    static let contactChunk = 16
    /// By field id: whether a carried Dynamics account event has named it (`fields: all`).
    private(set) var namedFields: [Bool] = []
    /// The uncarried Dynamics events, in log order.
    private(set) var pending: [Carried] = []
    var inflight: Cycle?
    /// When counting the queue: the pending events counted by record (``recordKey(_:)``).
    private var queueCounts = QueueCounts()
    /// Scratch for choosing what a full cycle carries (not part of the projection).
    private var queueScratch = QueueScratch()
    /// When the last cycle started: the next one starts a period later at the earliest.
    private(set) var lastStart: Seconds?
    /// By account id: the contacts linked to an account that has no company yet, which join it
    /// when it is created (entries of contacts linked elsewhere since are passed over).
    private(set) var companyless: [Int32: [Int32]] = [:]

    /// The reference projector run beside this one when `SYNCSIM_SHADOW` is set.
    var shadow = ShadowSlot()

    /// A projector for a log that ran with `rules`.
    public init(rules: SyncRules, keepingActivityRecords: Bool = false) {
        self.rules = rules
        keepsActivityRecords = keepingActivityRecords
        shadow = ShadowSlot(ShadowReference.make(rules: rules))
    }

    /// A projector in a restored state, with no shadow (the reference cannot start mid-log: see
    /// ``ShadowReference``).
    init(rules: SyncRules, restoring r: RestoredState) {
        self.init(rules: rules)
        shadow = ShadowSlot()
        (now, lastSeq, rejections) = (r.now, r.lastSeq, r.rejections)
        (fieldNames, namedFields) = (r.fieldNames, r.namedFields)
        (accountNames, dynamicsAccounts, companies) = (r.accountNames, r.dynamicsAccounts, r.companies)
        (contactNames, contacts) = (r.contactNames, r.contacts)
        (pending, inflight, lastStart) = (r.pending, r.inflight, r.lastStart)
        accountVersions = Array(repeating: 0, count: companies.count)
        contactChunkVersions = Array(repeating: 0, count: (contacts.count + Self.contactChunk - 1) / Self.contactChunk)
        for ci in contacts.indices {
            if let c = contacts[ci], c.linked >= 0, c.open == nil { companyless[c.linked, default: []].append(Int32(ci)) }
        }
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
    @inline(__always)
    private mutating func touch(_ ai: Int32) {
        accountVersions[Int(ai)] &+= 1
        touches?.accounts.add(ai)
    }

    /// The id of a contact, assigned on first sight.
    mutating func contactID(_ c: String) -> Int32 {
        let i = contactNames.id(c)
        if Int(i) == contacts.count {
            contacts.append(nil)
            if Int(i) / Self.contactChunk == contactChunkVersions.count { contactChunkVersions.append(0) }
            touchContact(i)  // the chunk holds one more contact
        }
        return i
    }

    /// Notes a change of what a snapshot holds of a contact.
    @inline(__always)
    private mutating func touchContact(_ ci: Int32) {
        contactChunkVersions[Int(ci) / Self.contactChunk] &+= 1
        touches?.contacts.add(ci)
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
    mutating func fieldValues(_ f: EventFields) -> FieldValues {
        var out = FieldValues()
        for (k, v) in f where !v.isNull { out.set(fieldID(k, among: f.keys), v) }
        return out
    }

    // MARK: - The one door for changes
    //
    // Every change of what Dynamics holds, of a company, a contact, a rejection or a named field
    // goes through these functions: the state's setters are private to this file. Each bumps the
    // snapshot version of what it changes and, when the projector fingerprints, follows the
    // fingerprint; a field write keeps its activity record when asked to.

    /// Dynamics creates an account, or deletes it (``DynamicsAccount/deleted``).
    mutating func setDynamics(_ ai: Int32, _ d: DynamicsAccount) {
        if fingerprinting {
            let a = accountNames.hash(ai)
            if let old = dynamicsAccounts[Int(ai)] {
                stateFingerprint.remove(.dynamics(a, deleted: old.deleted))
                for e in old.fields.entries { stateFingerprint.remove(.dynamicsField(a, fieldNames.hash(e.field), e.value)) }
            }
            stateFingerprint.add(.dynamics(a, deleted: d.deleted))
            for e in d.fields.entries { stateFingerprint.add(.dynamicsField(a, fieldNames.hash(e.field), e.value)) }
        }
        dynamicsAccounts[Int(ai)] = d
        touch(ai)
    }

    /// Dynamics changes some fields of an account (`null` clears one), in place: copying the
    /// account's fields for every update would dominate a bulk replay.
    mutating func updateDynamics(_ ai: Int32, _ f: EventFields) {
        let a = Int(ai)
        guard dynamicsAccounts[a] != nil else { return }  // an update of no account (input validation refuses it)
        for (k, v) in f {
            // The fingerprint follows each field that changed (a field at a time, not the account).
            let fi = fieldID(k, among: f.keys)
            if let old = dynamicsAccounts[a]!.fields.change(fi, v), fingerprinting {
                let (an, fn) = (accountNames.hash(ai), fieldNames.hash(fi))
                if !old.isNull { stateFingerprint.remove(.dynamicsField(an, fn, old)) }
                if !v.isNull { stateFingerprint.add(.dynamicsField(an, fn, v)) }
            }
        }
        touch(ai)
    }

    /// Records a rejected event.
    mutating func reject(_ event: Event, _ seq: Int, _ reason: String,
                         account: String? = nil, contact: String? = nil) -> EventReport.Outcome {
        rejections.append(Rejection(seq: seq, at: event.at, type: event.typeName, reason: reason,
                                    account: account, contact: contact))
        if fingerprinting { stateFingerprint.add(.rejection(event.at, event.typeName, reason, account, contact)) }
        return .rejected(reason)
    }

    /// Notes that a carried Dynamics account event named a field (what `fields: all` selects).
    @inline(__always)
    mutating func markNamed(_ fi: Int32) {
        namedFields[Int(fi)] = true
    }

    /// Marketo creates the company of an account, with no values yet.
    mutating func createCompany(_ ai: Int32) {
        companies[Int(ai)] = Company()
        touch(ai)
        touches?.companies.add(ai)
        if fingerprinting {
            stateFingerprint.add(.company(accountNames.hash(ai), deleted: false))
            stateFingerprint.add(.tally(accountNames.hash(ai), Tally()))
        }
    }

    /// Marks a company `stale` or no longer (R11).
    mutating func setStale(_ ai: Int32, _ stale: Bool) {
        guard companies[Int(ai)]!.stale != stale else { return }
        companies[Int(ai)]!.stale = stale
        touch(ai)
        if fingerprinting {
            let a = accountNames.hash(ai)
            if stale { stateFingerprint.add(.stale(a)) } else { stateFingerprint.remove(.stale(a)) }
        }
    }

    /// Marks a company `deletedInDynamics`.
    mutating func markDeleted(_ ai: Int32) {
        companies[Int(ai)]!.deletedInDynamics = true
        touch(ai)
        if fingerprinting {
            stateFingerprint.remove(.company(accountNames.hash(ai), deleted: false))
            stateFingerprint.add(.company(accountNames.hash(ai), deleted: true))
        }
    }

    /// Takes a company out of the table for a run of writes (``write(_:_:to:account:at:source:limit:)``,
    /// ``Company/recordEdit(_:_:)``), to be put back with ``putCompany(_:_:)``: the projector's
    /// hottest loop then works on a local value. Taking it counts as changing it.
    @inline(__always)
    mutating func takeCompany(_ ai: Int32) -> Company {
        touch(ai)
        touches?.companies.add(ai)
        return companies[Int(ai)].take()!
    }

    /// Puts back a company taken with ``takeCompany(_:)``.
    @inline(__always)
    mutating func putCompany(_ ai: Int32, _ company: consuming Company) {
        companies[Int(ai)] = company
    }

    /// Sets one field of a company taken out with ``takeCompany(_:)``; logs activities when the
    /// value changes and the company is within the activity limit (R8, R9). Returns the value it
    /// had (`null` if none), or nil when nothing changed.
    @discardableResult
    mutating func write(_ field: Int32, _ value: Value, to company: inout Company, account ai: Int32, at: Seconds,
                        source: ActivitySource, cause: ActivityCause, limit: Int64) -> Value? {
        let before = company.tally
        guard let old = company.set(field, value, source: source, limit: limit) else { return nil }
        let logged = company.tally.total != before.total
        if logged, keepsActivityRecords {
            company.records.append(CompanyChange(field: fieldNames[field], old: old, new: value, at: at, source: source, cause: cause))
        }
        if logged, exportsActivities {
            // The members as they are now: the array is shared, copied only if they change later.
            exported.append(LoggedChange(account: ai, field: field, old: old, new: value, at: at, source: source,
                                         cause: cause, members: company.members))
        }
        if fingerprinting { fingerprintWrite(ai, field, value, old: old, tallyBefore: logged ? before : nil, source: source) }
        return old
    }

    private mutating func fingerprintWrite(_ ai: Int32, _ fi: Int32, _ value: Value, old: Value, tallyBefore: Tally?,
                                           source: ActivitySource) {
        let (a, field) = (accountNames.hash(ai), fieldNames.hash(fi))
        if !old.isNull { stateFingerprint.remove(.field(a, field, old)) }
        if !value.isNull { stateFingerprint.add(.field(a, field, value)) }
        if let before = tallyBefore {
            stateFingerprint.remove(.tally(a, before))
            stateFingerprint.add(.tally(a, Tally(total: before.total + 1, dynamics: before.dynamics + (source == .dynamics ? 1 : 0))))
        }
    }

    /// A contact appears in Marketo, linked to no company yet.
    mutating func createContact(_ ci: Int32) {
        contacts[Int(ci)] = MarketoContact()
        touchContact(ci)
        if fingerprinting {
            stateFingerprint.add(.contact(contactNames.hash(ci), nil))
            stateFingerprint.add(.closed(contactNames.hash(ci), Tally()))
        }
    }

    /// Links a Marketo contact to the account `a` names (nil: to none), as ``ContactLinkRule``
    /// says; it joins the account's company if there is one, and waits for it otherwise.
    /// Returns the account it is linked to.
    mutating func link(_ ci: Int32, to a: String?) -> String? {
        guard let a = ContactLinkRule.linkedAccount(named: a) else { return nil }
        let ai = accountID(a)
        touchContact(ci)
        contacts[Int(ci)]!.linked = ai
        if fingerprinting {
            stateFingerprint.remove(.contact(contactNames.hash(ci), nil))
            stateFingerprint.add(.contact(contactNames.hash(ci), accountNames.hash(ai)))
        }
        if companies[Int(ai)] != nil {
            join(ci, ai)
        } else {
            companyless[ai, default: []].append(ci)
        }
        return a
    }

    /// Makes a linked contact a member of its account's company: it counts the company's
    /// activities from now on.
    private mutating func join(_ ci: Int32, _ ai: Int32) {
        touchContact(ci)
        contacts[Int(ci)]!.slot = Int32(companies[Int(ai)]!.members.count)
        companies[Int(ai)]!.members.append(ci)
        let open = OpenLink(account: ai, from: companies[Int(ai)]!.tally)
        contacts[Int(ci)]!.open = open
        if fingerprinting { stateFingerprint.add(.open(contactNames.hash(ci), accountNames.hash(ai), open.from)) }
    }

    /// The contacts linked to an account before its company existed join it (after its first
    /// write: they inherit its values with no activity, ``FirstWriteRule``).
    /// Returns the contacts that joined.
    @discardableResult
    mutating func joinCompanyless(_ ai: Int32) -> [Int32] {
        guard let waiting = companyless.removeValue(forKey: ai) else { return [] }
        var joined: [Int32] = []
        for ci in waiting where contacts[Int(ci)]?.linked == ai && contacts[Int(ci)]?.open == nil {
            join(ci, ai)
            joined.append(ci)
        }
        return joined
    }

    /// Ends a contact's current link; its activities so far move to its closed tally. Returns
    /// the account it was linked to.
    mutating func unlink(_ ci: Int32) -> String? {
        // Read in place: a copy of the contact would retain and release what it holds.
        guard let linked = contacts[Int(ci)]?.linked, linked >= 0 else { return nil }
        touchContact(ci)
        let a = accountNames[linked]
        contacts[Int(ci)]!.linked = -1
        if fingerprinting {
            stateFingerprint.remove(.contact(contactNames.hash(ci), accountNames.hash(linked)))
            stateFingerprint.add(.contact(contactNames.hash(ci), nil))
        }
        guard let link = contacts[Int(ci)]!.open else { return a }
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
        if fingerprinting {
            let c = contactNames.hash(ci)
            stateFingerprint.remove(.open(c, accountNames.hash(ai), open.from))
            stateFingerprint.remove(.closed(c, before))
            stateFingerprint.add(.closed(c, contacts[Int(ci)]!.closed))
        }
        return a
    }

    /// A Dynamics event joins the queue (R10).
    mutating func enqueue(_ c: consuming Carried) {
        guard fingerprinting || countingQueue else {
            pending.append(c)
            return
        }
        queueCounts.add(c)
        pending.append(c)
    }

    /// Takes the events a cycle carries out of the queue: all of them, or with a capacity those
    /// of the first records in queue order (R10), with the queue's figures when it was full.
    mutating func dequeue() -> (carried: [Carried], full: CycleReport.Queue?) {
        let (carried, full): ([Carried], CycleReport.Queue?)
        if let (taken, queue) = queueScratch.take(from: &pending, rules: rules) {
            (carried, full) = (taken, queue)
        } else {
            // The usual case, every record carried: the queue changes hands, no event is copied.
            (carried, full) = (pending, nil)
            pending = []
        }
        if fingerprinting || countingQueue {
            for c in carried { queueCounts.remove(c) }
        }
        return (carried, full)
    }

    /// The queue as counted while events come and go, only while ``countingQueue`` or
    /// ``fingerprinting`` (``queue`` counts them when asked).
    var countedQueue: QueueState {
        QueueState(records: queueCounts.records, oldest: pending.isEmpty ? nil : pending[0].event.at)
    }

    /// Notes the start of a cycle.
    mutating func started(at start: Seconds) {
        lastStart = start
    }

    /// The record an event belongs to, as one number: an account id, or a contact id above 2^32.
    static func recordKey(_ c: Carried) -> Int64 {
        c.account >= 0 ? Int64(c.account) : (1 << 32) | Int64(c.contact)
    }


    /// A `sync.configure` changes the rules for the cycles that start after it.
    mutating func configure(_ change: RuleChange) {
        rules.apply(change)
    }

    /// Appends a step of the timeline, when the projector records them.
    mutating func record(_ step: @autoclosure () -> Step) {
        if recording { steps.append(step()) }
    }
}
