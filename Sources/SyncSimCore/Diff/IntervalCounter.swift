/// Counts, for the interval of a whole-timeline diff under way, the contacts and accounts that
/// differed at some instant of it. A long interval of two large runs counts every contact, so
/// its sets are flags by dense ids that number the names of both sides together (a side's id
/// finds its number through an array, filled when the id is first seen), reset for each new
/// interval by a generation number rather than cleared.
struct IntervalCounter {
    /// When the interval under way began, nil when none is.
    private(set) var from: Seconds?
    private(set) var contacts = 0
    private(set) var accounts = 0

    private var generation: UInt32 = 0
    private var contactNames = Interner()
    private var accountNames = Interner()
    /// By side (0: A, 1: B), the number of each of its contact and account ids (-1: not yet).
    private var contactOf: [[Int32]] = [[], []]
    private var accountOf: [[Int32]] = [[], []]
    /// By side, the contact id of each number (-1: not seen there yet): a contact is found on
    /// both sides without hashing its name at every instant it is touched.
    private var contactIDs: [[Int32]] = [[], []]
    /// By number, the generation in which the contact or account was counted, and in which the
    /// company had every member counted (`covered`).
    private var counted: [UInt32] = []
    private var countedAccount: [UInt32] = []
    private var covered: [UInt32] = []

    /// Starts an interval at `t` with what differed then.
    mutating func begin(at t: Seconds, with diff: ProjectionDiff) {
        generation += 1
        (from, contacts, accounts) = (t, 0, 0)
        for d in diff.contacts { count(contact: contactNumber(d.contact)) }
        for d in diff.accounts { count(account: accountNumber(d.account)) }
    }

    /// Ends the interval under way at `t` (nil: at the end of the walk).
    mutating func end(at t: Seconds?) -> DiffTimeline.Interval? {
        guard let from else { return nil }
        self.from = nil
        return DiffTimeline.Interval(from: from, to: t, contacts: contacts, accounts: accounts)
    }

    /// Counts what began to differ at this instant: only what its changes touched on either
    /// side can have.
    mutating func update(_ pa: borrowing Projector, _ pb: borrowing Projector, touched ta: Touches.Lists, _ tb: Touches.Lists) {
        contactsAndAccounts(0, ta, own: pa, pa, pb)
        contactsAndAccounts(1, tb, own: pb, pa, pb)
        // The members of companies whose values or activities changed, unless every member is
        // counted already (the count only grows; a contact linked since is among the touched
        // contacts, counted above).
        companies(0, ta.companies, own: pa, pa, pb)
        companies(1, tb.companies, own: pb, pa, pb)
    }

    private mutating func contactsAndAccounts(_ side: Int, _ t: Touches.Lists, own p: borrowing Projector,
                                              _ pa: borrowing Projector, _ pb: borrowing Projector) {
        for ci in t.contacts {
            let n = contactNumber(side, ci, p)
            guard counted[Int(n)] != generation else { continue }
            let (x, y) = (marketoContact(n, side: 0, pa), marketoContact(n, side: 1, pb))
            if DiffTimeline.differs(x, y, pa, pb) {
                count(contact: n)
            } else {
                // A member not counted: its companies are no longer all counted.
                if let ai = x?.account { covered[Int(accountNumber(0, ai, pa))] = 0 }
                if let ai = y?.account { covered[Int(accountNumber(1, ai, pb))] = 0 }
            }
        }
        for ai in t.accounts {
            let n = accountNumber(side, ai, p)
            guard countedAccount[Int(n)] != generation else { continue }
            let a = p.accountNames[ai]
            if pa.accountView(a) != pb.accountView(a) { count(account: n) }
        }
    }

    private mutating func companies(_ side: Int, _ touched: [Int32], own p: borrowing Projector,
                                    _ pa: borrowing Projector, _ pb: borrowing Projector) {
        for ai in touched {
            let n = accountNumber(side, ai, p)
            guard covered[Int(n)] != generation else { continue }
            let a = p.accountNames[ai]
            let all = members(0, of: a, in: pa, pa, pb) && members(1, of: a, in: pb, pa, pb)
            if all { covered[Int(n)] = generation }
        }
    }

    /// Counts the members of `a`'s company on one side that differ; whether all of them do.
    private mutating func members(_ side: Int, of a: String, in p: borrowing Projector,
                                  _ pa: borrowing Projector, _ pb: borrowing Projector) -> Bool {
        guard let own = p.accountNames.lookup(a), let company = p.companies[Int(own)] else { return true }
        var all = true
        for ci in company.members {
            let m = contactNumber(side, ci, p)
            guard counted[Int(m)] != generation else { continue }
            if DiffTimeline.differs(marketoContact(m, side: 0, pa), marketoContact(m, side: 1, pb), pa, pb) {
                count(contact: m)
            } else {
                all = false
            }
        }
        return all
    }

    private mutating func count(contact n: Int32) {
        if counted[Int(n)] != generation {
            counted[Int(n)] = generation
            contacts += 1
        }
    }

    private mutating func count(account n: Int32) {
        if countedAccount[Int(n)] != generation {
            countedAccount[Int(n)] = generation
            accounts += 1
        }
    }

    private mutating func contactNumber(_ name: String) -> Int32 {
        let n = contactNames.id(name)
        if Int(n) == counted.count {
            counted.append(0)
            contactIDs[0].append(-1)
            contactIDs[1].append(-1)
        }
        return n
    }

    /// The contact numbered `n` in Marketo on `side` (nil: not in Marketo there).
    private mutating func marketoContact(_ n: Int32, side: Int, _ p: borrowing Projector) -> MarketoContact? {
        var id = contactIDs[side][Int(n)]
        if id < 0 {
            guard let found = p.contactNames.lookup(contactNames[n]) else { return nil }
            id = found
            contactIDs[side][Int(n)] = found
        }
        return Int(id) < p.contacts.count ? p.contacts[Int(id)] : nil
    }

    private mutating func accountNumber(_ name: String) -> Int32 {
        let n = accountNames.id(name)
        if Int(n) == countedAccount.count {
            countedAccount.append(0)
            covered.append(0)
        }
        return n
    }

    private mutating func contactNumber(_ side: Int, _ ci: Int32, _ p: borrowing Projector) -> Int32 {
        let i = Int(ci)
        if i >= contactOf[side].count { contactOf[side].append(contentsOf: repeatElement(-1, count: i + 1 - contactOf[side].count)) }
        if contactOf[side][i] < 0 {
            let n = contactNumber(p.contactNames[ci])
            contactOf[side][i] = n
            contactIDs[side][Int(n)] = ci
        }
        return contactOf[side][i]
    }

    private mutating func accountNumber(_ side: Int, _ ai: Int32, _ p: borrowing Projector) -> Int32 {
        let i = Int(ai)
        if i >= accountOf[side].count { accountOf[side].append(contentsOf: repeatElement(-1, count: i + 1 - accountOf[side].count)) }
        if accountOf[side][i] < 0 { accountOf[side][i] = accountNumber(p.accountNames[ai]) }
        return accountOf[side][i]
    }
}
