/// The events a question about some contacts and accounts needs: replayed alone, with their
/// own sequence numbers, they give those contacts' and accounts' history and state exactly as
/// the whole log does, when no capacity is set (a capacity makes every account wait for the
/// others: then the whole log is replayed).
///
/// What shapes a company in Marketo: its account's own events (R2-R7, R11), the Marketo edits
/// made on contacts linked to it (R3), and its members, which count for R9 and for the
/// activities each contact shows. So the scope is: the accounts asked about and every account
/// a contact asked about is ever linked to; every contact ever linked to one of those, with
/// all its events (a move away leaves the company; an edit elsewhere, on a company outside the
/// scope, is rejected there and changes nothing inside it); the rule changes; and, for
/// `fields: all`, the first event that names each field (a field named anywhere is synced
/// everywhere from then on), with the creates and deletes of its account, so that it exists
/// then as it does in the whole log.
public enum ReplayScope {
    /// The sequence numbers of the scope's events, in log order; nil when the whole log must be
    /// replayed. `lookup` reads the index; `union` reads the sequence numbers under a set of keys
    /// joined (``EventIndex/seqs(under:in:)``); `events` reads a few events by sequence number
    /// (the caller reads the scope's, in order, as it replays them), and with a key only those
    /// whose stored text may hold that key (the others are not decoded).
    /// `lastDynamics`, the log's last Dynamics event, is put in the scope with what it needs
    /// (its account's creates and deletes, or its contact's events), so that the scope settles
    /// when the log does: at the landing of the cycle that carries it, or the last event's
    /// instant if later (no capacity: that cycle carries whatever else is pending too).
    public static func seqs(
        contacts: [String], accounts: [String], rules: SyncRules, lastDynamics: Int? = nil,
        lookup: (Set<EventIndex.Key>) throws -> EventIndex.Found,
        union: (Set<EventIndex.Key>) throws -> [Int],
        events load: (_ seqs: [Int], _ havingKey: String?) throws -> [Event]
    ) throws -> [Int]? {
        guard rules.capacity == .unlimited else { return nil }
        /// The events with these sequence numbers.
        func read(_ seqs: [Int], havingKey key: String? = nil) throws -> [Event] { try load(seqs.sorted(), key) }
        var scope = Set<Int>()  // the few events apart from the members' and accounts' own
        // The contacts asked about, the rule changes and the fields' first events.
        let asked = Set(contacts.map { EventIndex.Key(.contact, $0) })
        let first = try lookup(asked.union([EventIndex.Key(.rules, "")]))
        let ruleChanges = first.seqs[EventIndex.Key(.rules, "")] ?? []
        for e in try read(ruleChanges, havingKey: "capacity") {
            if case .configure(let change) = e.kind, let c = change.capacity, c != .unlimited { return nil }
        }
        scope.formUnion(ruleChanges)
        // Every account the contacts asked about are ever linked to (the only account a
        // contact's event names is the one a create or a move links it to).
        var linked = Set(accounts)
        for c in contacts {
            for e in try read(first.seqs[EventIndex.Key(.contact, c)] ?? []) { if let a = e.account { linked.insert(a) } }
        }
        // The accounts that first named each field.
        let namingSeqs = Array(Set(first.firstOfField.values))
        let naming = Set(try read(namingSeqs).compactMap(\.account))
        scope.formUnion(namingSeqs)
        // The members of the linked accounts over time.
        let second = try lookup(Set(linked.map { EventIndex.Key(.link, $0) }))
        var members = Set(contacts)
        for linkedHere in second.members.values { members.formUnion(linkedHere) }
        var existing = linked.union(naming)
        if let last = lastDynamics, let e = try read([last]).first {
            scope.insert(last)
            if let c = e.contact { members.insert(c) } else if let a = e.account { existing.insert(a) }
        }
        let third = try union(Set(members.map { EventIndex.Key(.contact, $0) }
            + linked.map { EventIndex.Key(.account, $0) }
            + existing.map { EventIndex.Key(.existence, $0) }))
        return CanonicalJSON.union(third, scope.sorted(), by: <)
    }
}
