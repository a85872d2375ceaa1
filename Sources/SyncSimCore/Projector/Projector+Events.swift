/// Applying the events of a log: time first (the cycles due), then the event itself.
extension Projector {
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
        if !shadow.isEmpty, var s = shadow.take() {
            s.reference.advance(to: instant)
            shadow.put(s)
        }
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
            updateDynamics(ai, f)
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
            configure(change)
            outcome = .configured(rules)
        }
        if recording {
            let outcome = outcome ?? .pending(cycleStart: rules.cycleStart(after: event.at))
            record(.event(EventReport(seq: seq, event: copy event, outcome: outcome)))
        }
        if !shadow.isEmpty, var s = shadow.take() {
            s.follow(copy event, seq: seq, engine: self)
            shadow.put(s)
        }
        // Last, so that the event moves into the queue.
        if let account = waits { pending.append(Carried(seq: seq, event: event, account: account)) }
    }

    // MARK: - Marketo edits (R2, R3)

    private mutating func edit(contact c: String, fields: EventFields, seq: Int, at: Seconds) -> EventReport.Outcome {
        let mc = contactNames.lookup(c).flatMap { contacts[Int($0)] }
        let companyID = mc?.account.flatMap { companies[Int($0)] != nil ? $0 : nil }
        let ai: Int32
        switch MarketoEditRule.target(contact: c, inMarketo: mc != nil, company: companyID) {
        case .company(let account): ai = account
        case .rejected(let reason): return reject(Event(at: at, kind: .marketoAccountEdit(contact: c, fields: fields)), seq, reason, contact: c)
        }
        var changes: [FieldChange] = []
        var company = takeCompany(ai)
        for (field, value) in fields {  // in name order
            let fi = fieldID(field, among: fields.keys)
            company.recordEdit(fi, LocalEdit(seq: seq, at: at, contact: c, value: value))
            if let old = write(fi, value, to: &company, account: ai, at: at, source: .marketo, limit: rules.activityLimit), recording {
                changes.append(FieldChange(account: accountNames[ai], field: field, old: old, new: value, contacts: company.members.count,
                                           activitiesLogged: company.logs(limit: rules.activityLimit), lostEdit: nil))
            }
        }
        putCompany(ai, company)
        return .edited(changes, account: accountNames[ai])
    }

}
