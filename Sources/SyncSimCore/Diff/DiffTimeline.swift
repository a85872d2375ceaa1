/// When two runs differed over their whole timelines (format 5.4): each interval `[from, to)`
/// during which their projections differed, with how many contacts and accounts differed at
/// some instant of it (`to` is nil if they still differ at the end), and the first divergence.
public struct DiffTimeline: Sendable {
    /// An interval during which the projections differed.
    public struct Interval: Sendable, Equatable {
        public var from: Seconds
        public var to: Seconds?
        public var contacts: Int
        public var accounts: Int

        public init(from: Seconds, to: Seconds?, contacts: Int, accounts: Int) {
            (self.from, self.to, self.contacts, self.accounts) = (from, to, contacts, accounts)
        }

        /// The interval as `diff --json` writes it.
        public var json: JSON {
            .object(["from": .int(from), "to": to.map(JSON.int) ?? .null, "contacts": .int(contacts), "accounts": .int(accounts)])
        }
    }

    public var intervals: [Interval] = []
    /// The first instant after which the projections differed, with what happened then.
    public var first: Divergence?

    /// Folds both event streams in step, instant by instant (event instants and cycle landings
    /// of either side) through `limit`, comparing the projections after each instant: a
    /// constant-time fingerprint comparison, the full one only when the fingerprints differ.
    public static func of<A: IteratorProtocol<Event>, B: IteratorProtocol<Event>>(
        a eventsA: A, rules rulesA: SyncRules,
        b eventsB: B, rules rulesB: SyncRules,
        through limit: Seconds
    ) -> DiffTimeline {
        var walk = LockstepWalk(a: eventsA, rules: rulesA, b: eventsB, rules: rulesB, through: limit)
        var timeline = DiffTimeline()
        // The interval under way: its start, the contacts and accounts that differed in it, and
        // the companies all of whose members are among those contacts.
        var open: (from: Seconds, contacts: Set<String>, accounts: Set<String>, covered: Set<String>)?
        while let (t, stepsA, stepsB) = walk.next() {
            let (pa, pb) = (walk.a, walk.b)
            // Equal fingerprints: the same projections. Otherwise, at the start of an interval,
            // the full comparison; within one, only what this instant's steps touched can have
            // begun to differ, so only that is compared (a long interval of two large runs must
            // not cost a full comparison at every instant).
            let differs: Bool
            if !walk.fingerprintsDiffer {
                differs = false
            } else if var o = open.take() {
                // Taken out of `open`, so the sets grow in place rather than as copies.
                let touched = Self.touched(stepsA + stepsB)
                for c in touched.contacts where !o.contacts.contains(c) {
                    if Self.differs(contact: c, pa, pb) {
                        o.contacts.insert(c)
                    } else {
                        // A member not counted: its companies are no longer all counted.
                        for a in [pa.marketoAccount(of: c), pb.marketoAccount(of: c)].compactMap({ $0 }) { o.covered.remove(a) }
                    }
                }
                for a in touched.accounts where !o.accounts.contains(a) && pa.accountView(a) != pb.accountView(a) { o.accounts.insert(a) }
                // The members of companies whose values or activities changed, unless every
                // member is counted already (the count only grows; a contact linked since is
                // among the touched contacts, checked above).
                for a in touched.companies where !o.covered.contains(a) {
                    var all = true
                    for c in pa.unsortedMembers(of: a) + pb.unsortedMembers(of: a) where !o.contacts.contains(c) {
                        if Self.differs(contact: c, pa, pb) { o.contacts.insert(c) } else { all = false }
                    }
                    if all { o.covered.insert(a) }
                }
                open = o
                differs = true
            } else {
                let diff = ProjectionDiff.compare(pa, pb)
                differs = !diff.isEmpty
                if differs { open = (t, Set(diff.contacts.map(\.contact)), Set(diff.accounts.map(\.account)), []) }
            }
            if differs {
                if timeline.first == nil { timeline.first = Divergence(at: t, a: stepsA, b: stepsB) }
            } else if let o = open {
                timeline.intervals.append(Interval(from: o.from, to: t, contacts: o.contacts.count, accounts: o.accounts.count))
                open = nil
            }
        }
        if let o = open {
            timeline.intervals.append(Interval(from: o.from, to: nil, contacts: o.contacts.count, accounts: o.accounts.count))
        }
        return timeline
    }

    /// Whether a contact differs between the sides: in Marketo on one only, or shown otherwise.
    static func differs(contact c: String, _ pa: Projector, _ pb: Projector) -> Bool {
        pa.contactInMarketo(c) != pb.contactInMarketo(c) || pa.contactView(c) != pb.contactView(c)
    }

    /// What `steps` may have changed on either side: the contacts they link, join to a company
    /// or edit on, the accounts their events and cycles name, and the companies whose Marketo
    /// values or activities changed (all their members' views).
    static func touched(_ steps: [Step]) -> (contacts: Set<String>, accounts: Set<String>, companies: Set<String>) {
        var contacts = Set<String>(), accounts = Set<String>(), companies = Set<String>()
        for step in steps {
            switch step {
            case .event(let r):
                if let a = r.event.account { accounts.insert(a) }
                if let c = r.event.contact { contacts.insert(c) }
                if case .edited(_, let a) = r.outcome { companies.insert(a) }
            case .cycle(let c):
                for w in c.accounts {
                    accounts.insert(w.account)
                    if !w.changes.isEmpty || !w.joined.isEmpty || w.status == .created { companies.insert(w.account) }
                    contacts.formUnion(w.joined)
                }
                for l in c.links {
                    contacts.insert(l.contact)
                    for a in [l.from, l.to].compactMap({ $0 }) { accounts.insert(a) }
                }
            }
        }
        accounts.formUnion(companies)
        return (contacts, accounts, companies)
    }
}
