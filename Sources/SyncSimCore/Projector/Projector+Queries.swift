extension Projector {
    /// The contact's Marketo state, nil if it is not in Marketo.
    func marketoContact(_ c: String) -> MarketoContact? { contactNames.lookup(c).flatMap { contacts[Int($0)] } }

    /// The account's company, nil if none reached Marketo.
    func company(_ a: String) -> Company? { accountNames.lookup(a).flatMap { companies[Int($0)] } }

    /// Whether the contact exists in Marketo.
    public func contactInMarketo(_ c: String) -> Bool { marketoContact(c) != nil }

    /// Whether the account has a company in Marketo.
    public func accountInMarketo(_ a: String) -> Bool { company(a) != nil }

    /// The account the contact is linked to in Marketo.
    public func marketoAccount(of c: String) -> String? { marketoAccount(marketoContact(c)) }

    /// The account a Marketo contact is linked to (nil for none, or no contact).
    func marketoAccount(_ mc: MarketoContact?) -> String? { mc?.account.map { accountNames[$0] } }

    /// The account field values Marketo shows on the contact (only fields with a value).
    public func shownFields(of c: String) -> [String: Value] { shownFields(marketoContact(c)) }

    /// The values a Marketo contact shows: its company's (none without a company, or no contact).
    func shownFields(_ mc: MarketoContact?) -> [String: Value] {
        mc?.open.flatMap { companies[Int($0.account)] }?.fields.named(fieldNames) ?? [:]
    }

    /// The values of the account's company in Marketo, nil if it has none.
    public func marketoFields(of a: String) -> [String: Value]? { company(a)?.fields.named(fieldNames) }

    /// Whether the company is marked deleted in Dynamics.
    public func deletedInDynamics(_ a: String) -> Bool { company(a)?.deletedInDynamics ?? false }

    /// Whether the sync filter keeps the company from getting updates (R11).
    public func isStale(_ a: String) -> Bool { company(a)?.stale ?? false }

    /// The queue now (R10): pending records and the oldest uncarried change.
    /// (Counted when asked: a replay does not pay for it at every event.)
    public var queue: QueueState {
        QueueState(records: Set(pending.lazy.map(Self.recordKey)).count, oldest: pending.first?.event.at)
    }

    /// Whether the account has Dynamics events that no cycle has carried (R10).
    public func isPending(account a: String) -> Bool {
        guard let ai = accountNames.lookup(a) else { return false }
        return pending.contains { $0.account == ai }
    }

    /// Whether the contact has Dynamics events that no cycle has carried (R10).
    public func isPending(contact c: String) -> Bool {
        guard let ci = contactNames.lookup(c) else { return false }
        return pending.contains { $0.account < 0 && $0.contact == ci }
    }

    /// The values Dynamics holds for the account, nil if it does not exist there (or was deleted).
    public func dynamicsFields(of a: String) -> [String: Value]? {
        guard let ai = accountNames.lookup(a), let d = dynamicsAccounts[Int(ai)], !d.deleted else { return nil }
        return d.fields.named(fieldNames)
    }

    /// Local edits of the company that Dynamics has not overwritten yet, by field.
    public func localEdits(of a: String) -> [String: LocalEdit] {
        var out: [String: LocalEdit] = [:]
        for e in company(a)?.localEdits ?? [] { out[fieldNames[e.field]] = e.edit }
        return out
    }

    /// The contacts linked to the company in Marketo, in no particular order.
    func unsortedMembers(of a: String) -> [String] {
        (company(a)?.members ?? []).map { contactNames[$0] }
    }

    /// The contacts linked to the company in Marketo, sorted.
    public func members(of a: String) -> [String] {
        CanonicalJSON.sorted((company(a)?.members ?? []).map { contactNames[$0] })
    }

    /// The activities logged on the contact so far, by source.
    public func activityTally(of c: String) -> Tally {
        guard let mc = marketoContact(c) else { return Tally() }
        return tally(mc)
    }

    func tally(_ mc: MarketoContact) -> Tally {
        guard let open = mc.open else { return mc.closed }
        return mc.closed + (companies[Int(open.account)]!.tally - open.from)
    }

    /// The number of activities logged on the contact so far.
    public func activityCount(of c: String) -> Int { activityTally(of: c).total }

    /// The activities logged on the contact so far, oldest first
    /// (empty unless ``keepsActivityRecords``).
    public func activities(of c: String) -> [Activity] {
        guard keepsActivityRecords, let mc = marketoContact(c) else { return [] }
        var out: [Activity] = []
        for m in mc.history + (mc.open.map { [Membership(account: $0.account, from: $0.from, to: nil)] } ?? []) {
            let company = companies[Int(m.account)]!
            for ch in company.records[m.from.total..<(m.to ?? company.tally).total] {
                out.append(Activity(contact: c, field: ch.field, old: ch.old, new: ch.new, at: ch.at, source: ch.source, cause: ch.cause))
            }
        }
        return out
    }

    /// Contacts in Marketo plus accounts known to either side (an upper bound of rows to show), without sorting.
    public var rowCountEstimate: Int { contacts.count + 2 * accountNames.count }

    /// Ids of the contacts in Marketo, sorted.
    public var marketoContactIDs: [String] { marketoContactsInOrder.map(\.name) }

    /// Ids of every account that exists in Dynamics or has a company in Marketo, sorted.
    public var accountIDs: [String] { accountsInOrder.map(\.name) }

    /// A name with its dense id.
    typealias Named = (name: String, id: Int32)

    /// The contacts in Marketo by name (UTF-8 order), with their dense ids.
    var marketoContactsInOrder: [Named] {
        CanonicalJSON.sorted(contacts.indices.filter { contacts[$0] != nil }.map { (contactNames.names[$0], Int32($0)) }, by: { $0.name })
    }

    /// The accounts that exist in Dynamics or have a company in Marketo by name (UTF-8 order),
    /// with their dense ids.
    var accountsInOrder: [Named] {
        CanonicalJSON.sorted(accountNames.names.indices.filter {
            companies[$0] != nil || dynamicsAccounts[$0].map { !$0.deleted } == true
        }.map { (accountNames.names[$0], Int32($0)) }, by: { $0.name })
    }

    /// Field values with their names, in field order (by UTF-8 bytes).
    func inOrder(_ fields: FieldValues) -> [(name: String, value: Value)] {
        CanonicalJSON.sorted(fields.entries.map { (fieldNames[$0.field], $0.value) }, by: { $0.name })
    }

    /// The contact as Marketo shows it (in a ``Projection``).
    public func contactView(_ c: String) -> Projection.ContactView {
        let t = activityTally(of: c)
        return .init(account: marketoAccount(of: c), fields: shownFields(of: c), activities: t.total,
                     activitiesBySource: [.dynamics: t.dynamics, .marketo: t.marketo])
    }

    /// The account on both sides (in a ``Projection``).
    public func accountView(_ a: String) -> Projection.AccountView {
        .init(marketo: marketoFields(of: a), dynamics: dynamicsFields(of: a), deletedInDynamics: deletedInDynamics(a),
              stale: isStale(a))
    }

    /// What Marketo shows and Dynamics holds now; with `contacts` or `accounts`, only those
    /// (and the rejected events that name them), and no digest.
    public func projection(contacts only: Set<String>? = nil, accounts onlyAccounts: Set<String>? = nil) -> Projection {
        let partial = only != nil || onlyAccounts != nil
        var cs: [String: Projection.ContactView] = [:]
        let contactIDs = partial ? (only ?? []).filter { contactInMarketo($0) } : marketoContactIDs
        for c in contactIDs { cs[c] = contactView(c) }
        var accs: [String: Projection.AccountView] = [:]
        let accountList = partial ? (onlyAccounts ?? []).filter { accountInMarketo($0) || dynamicsFields(of: $0) != nil } : accountIDs
        for a in accountList { accs[a] = accountView(a) }
        let rejected = partial
            ? rejections.filter { r in (r.contact.map { only?.contains($0) ?? false } ?? false) || (r.account.map { onlyAccounts?.contains($0) ?? false } ?? false) }
            : rejections
        return Projection(at: now, contacts: cs, accounts: accs, rejected: rejected, queue: queue, partial: partial)
    }
}
