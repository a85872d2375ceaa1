import CPrefetch

/// Sync cycles: what a cycle carries when it starts, and what it writes when it lands.
extension Projector {
    // MARK: - Cycles (R1, R10, R4, R6, R7, R11)

    mutating func begin(at start: Seconds) {
        // Every pending event is from before the start: a cycle starts as soon as it is due.
        let (carried, queue) = dequeue()
        started(at: start)
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
                    markNamed(fi)
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
        // Every synced field (R6, R7), those a list selects included even before an event names
        // them: what `overwrite: all` (R4) and a whole write (first, or after being stale) write.
        var candidates = fieldNames.names
        if case .list(let names) = rules.fields { candidates += names.filter { fieldNames.lookup($0) == nil } }
        let allSynced = candidates.filter { name in
            let named = fieldNames.lookup(name).map { namedFields[Int($0)] } ?? false
            return rules.syncDecision(name, named: named).syncs
        }.sorted(by: CanonicalJSON.utf8Less)
        let targetIDs = allSynced.map { fieldID($0, among: allSynced) }
        inflight = Cycle(index: rules.cycleIndex(startingAt: start), start: start, end: rules.cycleEnd(startingAt: start),
                         rules: rules, allTargets: targetIDs, carried: carried, accounts: plans, queue: queue)
    }

    mutating func land(_ cycle: Cycle) {
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
        // R11: the filter field's id, if the cycle's rules set one and an event has named it.
        let filterField = rules.filter.fieldName.flatMap { fieldNames.lookup($0) }
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
                    markDeleted(ai)
                    setStale(ai, false)  // deletes are not filtered (R11)
                    if recording { writes.append(.init(account: accountNames[ai], status: .markedDeleted, changes: [], matchedEdits: [])) }
                case .alreadyMarked:
                    break
                case .neverReached:
                    if recording { writes.append(.init(account: accountNames[ai], status: .neverReached, changes: [], matchedEdits: [])) }
                }
                continue
            }
            let filter = SyncRules.filterOutcome(
                filteredOut: rules.filtersOut(filterValue: filterField.flatMap { cycle.accounts[p].values.value($0) }),
                companyExists: companies[Int(ai)] != nil, stale: companies[Int(ai)]?.stale ?? false)
            switch filter {
            case .skipped:
                if recording { writes.append(.init(account: accountNames[ai], status: .filteredOut, changes: [], matchedEdits: [])) }
                continue
            case .goesStale:
                setStale(ai, true)
                if recording { writes.append(.init(account: accountNames[ai], status: .stale, changes: [], matchedEdits: [])) }
                continue
            case .writtenWholeAgain:
                setStale(ai, false)
            case .synced:
                break
            }
            let isNew = companies[Int(ai)] == nil
            if isNew { createCompany(ai) }
            let targets = rules.writesEverySyncedField || FirstWriteRule.writesWhole(companyIsNew: isNew, filter: filter)
                ? cycle.allTargets
                : cycle.accounts[p].named.sorted.filter { writesNamed[Int($0)] }.sorted { rank[Int($0)] < rank[Int($1)] }
            var changes: [FieldChange] = []
            var matched: [(field: String, edit: LocalEdit)] = []
            var company = takeCompany(ai)
            /// Reports one write of the cycle, with the local edit it replaced (recorded steps only).
            func report(_ field: Int32, old: Value?, new: Value, lost: LocalEdit?, company: Company) {
                guard let old else {
                    if let lost { matched.append((fieldNames[field], lost)) }
                    return
                }
                changes.append(FieldChange(account: accountNames[ai], field: fieldNames[field], old: old, new: new,
                                           contacts: company.members.count, activitiesLogged: company.logs(limit: rules.activityLimit), lostEdit: lost))
            }
            for field in targets {
                // R4: the Dynamics value as of the cycle's start replaces the field, and with it
                // any local edit of the field (most companies have none: no edit is made then).
                let value = cycle.accounts[p].values.value(field) ?? .null
                let old = write(field, value, to: &company, account: ai, at: cycle.end, source: .dynamics,
                                cause: .cycle(cycle.index), limit: rules.activityLimit)
                if let i = company.editIndex(field) {
                    let lost = company.removeEdit(at: i)
                    if recording { report(field, old: old, new: value, lost: lost, company: company) }
                } else if recording {
                    report(field, old: old, new: value, lost: nil, company: company)
                }
            }
            putCompany(ai, company)
            // The contacts linked before the company existed join it now, after its first write:
            // they inherit its values, with no activity (FirstWriteRule).
            let joined = isNew ? joinCompanyless(ai) : []
            guard recording else { continue }
            let status: CycleReport.AccountWrite.Status = isNew ? .created : filter == .writtenWholeAgain ? .writtenWholeAgain : .updated
            var write = CycleReport.AccountWrite(account: accountNames[ai], status: status, changes: changes, matchedEdits: matched)
            write.joined = CanonicalJSON.sorted(joined.map { contactNames[$0] })
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
        func hasCompany(_ a: String?) -> Bool { a.flatMap { accountNames.lookup($0) }.map { companies[Int($0)] != nil } ?? false }
        for k in cycle.carried.indices {
            // The slots of the ids a contact's create or move a few events on will look up, asked
            // for now: in a table of hundreds of thousands of contacts, each lookup waited for memory.
            if k + Prefetcher.distance < cycle.carried.count { Prefetcher.link(cycle.carried[k + Prefetcher.distance], self) }
            let seq = cycle.carried[k].seq
            switch cycle.carried[k].event.kind {
            case .contactCreate(let c, let a, _):
                let ci = cycle.carried[k].contact
                createContact(ci)
                let to = link(ci, to: a)
                if recording { links.append(.init(seq: seq, contact: c, from: nil, to: to, created: true, toCompany: hasCompany(to))) }
            case .contactMove(let c, let a):
                let ci = cycle.carried[k].contact
                let from = unlink(ci)
                let to = link(ci, to: a)
                if recording { links.append(.init(seq: seq, contact: c, from: from, to: to, created: false, toCompany: hasCompany(to))) }
            default: break
            }
        }
        if keepsLanded { landed.append(cycle.carried) }
        record(.cycle(CycleReport(index: cycle.index, start: cycle.start, end: cycle.end, queue: cycle.queue,
                                  carried: cycle.carried.map(\.seq), rules: rules,
                                  accounts: writes, links: links)))
    }
}
