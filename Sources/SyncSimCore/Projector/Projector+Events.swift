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
            if case .none = inflight, let start = nextStart {
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

    /// When the next cycle starts, if one has work: the first start after the oldest pending
    /// event, and after the last cycle's start (events a full cycle left pending are older).
    var nextStart: Seconds? {
        guard !pending.isEmpty else { return nil }
        let first = pending[0].event.at  // read in place: `first` would copy the whole event
        return rules.cycleStart(after: max(first, lastStart ?? first))
    }

    /// Runs the cycles that carry what is pending, until the queue is empty and the last cycle has
    /// landed (with a capacity, a backlog takes several); returns that instant, when the run has
    /// settled. No event may follow.
    @discardableResult
    public mutating func settle() -> Seconds {
        while let landing = nextCycleLanding { advance(to: landing) }
        return now
    }

    /// When the next pending cycle lands, if one has work (for narration and bisection).
    public var nextCycleLanding: Seconds? {
        if let end = inflight?.end { return end }
        return nextStart.map { rules.cycleEnd(startingAt: $0) }
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
        // The contact id of a contact event.
        var contact: Int32 = -1
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
        case .contactCreate(let c, _, _), .contactMove(let c, _):
            // Contacts change Marketo only when a cycle carries them (step 2 of `land`).
            contact = contactID(c)
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
            // The next cycle starts after the event (later cycles never start earlier).
            let waiting: EventReport.Outcome
            switch rules.capacity {
            case .unlimited: waiting = .pending(cycleStart: rules.cycleStart(after: event.at))
            case .records(let n): waiting = .queued(nextCycle: rules.cycleStart(after: event.at), capacity: n)
            }
            let outcome = outcome ?? waiting
            record(.event(EventReport(seq: seq, event: copy event, outcome: outcome)))
        }
        // Last, so that the event moves into the queue; the shadow follows once it is there.
        if let account = waits {
            enqueue(Carried(seq: seq, event: event, account: account, contact: contact))
            if !shadow.isEmpty { followShadow(pending[pending.count - 1].event, seq: seq) }
        } else if !shadow.isEmpty {
            followShadow(event, seq: seq)
        }
    }

    // MARK: - Marketo edits (R2, R3)

    private mutating func edit(contact c: String, fields: EventFields, seq: Int, at: Seconds) -> EventReport.Outcome {
        let mc = contactNames.lookup(c).flatMap { contacts[Int($0)] }
        let companyID = mc?.open?.account  // a contact has an open link while its company exists
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
            if let old = write(fi, value, to: &company, account: ai, at: at, source: .marketo, cause: .edit(seq: seq),
                             limit: rules.activityLimit), recording {
                changes.append(FieldChange(account: accountNames[ai], field: field, old: old, new: value, contacts: company.members.count,
                                           activitiesLogged: company.logs(limit: rules.activityLimit), lostEdit: nil))
            }
        }
        putCompany(ai, company)
        return .edited(changes, account: accountNames[ai])
    }

}
