extension Projector {
    /// Whether the contact exists in Marketo.
    public func contactInMarketo(_ c: String) -> Bool { contacts[c] != nil }

    /// Whether the account has a company in Marketo.
    public func accountInMarketo(_ a: String) -> Bool { companies[a] != nil }

    /// The account the contact is linked to in Marketo.
    public func marketoAccount(of c: String) -> String? { contacts[c]?.account }

    /// The account field values Marketo shows on the contact (only fields with a value).
    public func shownFields(of c: String) -> [String: Value] {
        guard let a = contacts[c]?.account else { return [:] }
        return companies[a]?.fields ?? [:]
    }

    /// The values of the account's company in Marketo, nil if it has none.
    public func marketoFields(of a: String) -> [String: Value]? { companies[a]?.fields }

    /// Whether the company is marked deleted in Dynamics.
    public func deletedInDynamics(_ a: String) -> Bool { companies[a]?.deletedInDynamics ?? false }

    /// The values Dynamics holds for the account, nil if it does not exist there (or was deleted).
    public func dynamicsFields(of a: String) -> [String: Value]? {
        guard let d = dynamicsAccounts[a], !d.deleted else { return nil }
        return d.fields
    }

    /// Local edits of the company that Dynamics has not overwritten yet, by field.
    public func localEdits(of a: String) -> [String: LocalEdit] { companies[a]?.localEdits ?? [:] }

    /// The contacts linked to the company in Marketo, sorted.
    public func members(of a: String) -> [String] {
        CanonicalJSON.sorted(companies[a]?.members ?? [])
    }

    /// The activities logged on the contact so far, by source.
    public func activityTally(of c: String) -> Tally {
        guard let mc = contacts[c] else { return Tally() }
        guard let open = mc.open else { return mc.closed }
        return mc.closed + (companies[open.account]!.tally - open.from)
    }

    /// The number of activities logged on the contact so far.
    public func activityCount(of c: String) -> Int { activityTally(of: c).total }

    /// The activities logged on the contact so far, oldest first
    /// (empty unless ``keepsActivityRecords``).
    public func activities(of c: String) -> [Activity] {
        guard keepsActivityRecords, let mc = contacts[c] else { return [] }
        var out: [Activity] = []
        for m in mc.history + (mc.open.map { [$0] } ?? []) {
            let records = companies[m.account]!.records
            for ch in records[m.from.total..<(m.to ?? companies[m.account]!.tally).total] {
                out.append(Activity(contact: c, field: ch.field, old: ch.old, new: ch.new, at: ch.at, source: ch.source))
            }
        }
        return out
    }

    /// Contacts in Marketo plus accounts known to either side (an upper bound of rows to show), without sorting.
    public var rowCountEstimate: Int { contacts.count + companies.count + dynamicsAccounts.count }

    /// Ids of the contacts in Marketo, sorted.
    public var marketoContactIDs: [String] { CanonicalJSON.sorted(contacts.keys) }

    /// Ids of every account that exists in Dynamics or has a company in Marketo, sorted.
    public var accountIDs: [String] {
        var ids = Set(companies.keys)
        for (a, d) in dynamicsAccounts where !d.deleted { ids.insert(a) }
        return CanonicalJSON.sorted(ids)
    }

    /// What Marketo shows and Dynamics holds now; with `contacts` or `accounts`, only those
    /// (and the rejected events that name them), and no digest.
    public func projection(contacts only: Set<String>? = nil, accounts onlyAccounts: Set<String>? = nil) -> Projection {
        let partial = only != nil || onlyAccounts != nil
        var cs: [String: Projection.ContactView] = [:]
        let contactIDs = partial ? (only ?? []).filter { contacts[$0] != nil } : Array(contacts.keys)
        for c in contactIDs {
            let t = activityTally(of: c)
            cs[c] = .init(account: contacts[c]!.account, fields: shownFields(of: c), activities: t.total,
                          activitiesBySource: [.dynamics: t.dynamics, .marketo: t.marketo])
        }
        var accs: [String: Projection.AccountView] = [:]
        let accountList = partial ? (onlyAccounts ?? []).filter { companies[$0] != nil || dynamicsFields(of: $0) != nil } : accountIDs
        for a in accountList {
            accs[a] = .init(marketo: companies[a]?.fields, dynamics: dynamicsFields(of: a),
                            deletedInDynamics: deletedInDynamics(a))
        }
        let rejected = partial
            ? rejections.filter { r in (r.contact.map { only?.contains($0) ?? false } ?? false) || (r.account.map { onlyAccounts?.contains($0) ?? false } ?? false) }
            : rejections
        return Projection(at: now, contacts: cs, accounts: accs, rejected: rejected, partial: partial)
    }
}
