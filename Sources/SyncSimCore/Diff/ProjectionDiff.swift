/// What differs between two projections: per contact, per account, and in the rejected events.
public struct ProjectionDiff: Sendable, Equatable {
    /// A value on side A and side B.
    public struct Pair<T: Sendable & Equatable>: Sendable, Equatable {
        public var a: T
        public var b: T
    }

    /// A field whose value differs.
    public struct FieldPair: Sendable, Equatable {
        public var field: String
        public var values: Pair<Value>
    }

    /// How one contact differs.
    public struct ContactDiff: Sendable, Equatable {
        public var contact: String
        public var inMarketo: Pair<Bool>?
        public var account: Pair<String?>?
        public var fields: [FieldPair]
        /// The activity counts that differ, by source (held in the contact's own storage: as
        /// an array, each contact of a large diff had one more allocation).
        private var dynamicsCounts: Pair<Int>?
        private var marketoCounts: Pair<Int>?

        public init(contact: String, inMarketo: Pair<Bool>?, account: Pair<String?>?, fields: [FieldPair],
                    activities: [(source: ActivitySource, counts: Pair<Int>)]) {
            (self.contact, self.inMarketo, self.account, self.fields) = (contact, inMarketo, account, fields)
            for (source, counts) in activities { self[source] = counts }
        }

        /// The counts of `source`'s activities on both sides, nil when they agree.
        public subscript(source: ActivitySource) -> Pair<Int>? {
            get { source == .dynamics ? dynamicsCounts : marketoCounts }
            set { if source == .dynamics { dynamicsCounts = newValue } else { marketoCounts = newValue } }
        }

        /// The activity counts that differ, by source in ``ActivitySource/allCases`` order.
        public var activities: [(source: ActivitySource, counts: Pair<Int>)] {
            ActivitySource.allCases.compactMap { s in self[s].map { (s, $0) } }
        }

        /// How many sources' activity counts differ.
        public var activityRows: Int { (dynamicsCounts == nil ? 0 : 1) + (marketoCounts == nil ? 0 : 1) }
    }

    /// How one account differs.
    public struct AccountDiff: Sendable, Equatable {
        public var account: String
        public var inMarketo: Pair<Bool>?
        public var inDynamics: Pair<Bool>?
        public var deletedInDynamics: Pair<Bool>?
        public var stale: Pair<Bool>? = nil
        public var marketo: [FieldPair]
        public var dynamics: [FieldPair]
    }

    public var contacts: [ContactDiff] = []
    public var accounts: [AccountDiff] = []
    /// Rejected events on one side only (compared by instant, type, reason and ids, not by sequence number).
    public var rejectedOnlyA: [Rejection] = []
    public var rejectedOnlyB: [Rejection] = []
    /// The sync queues, when they differ (R10).
    public var queue: Pair<QueueState>?

    /// Whether the two projections are the same.
    public var isEmpty: Bool { contacts.isEmpty && accounts.isEmpty && rejectedOnlyA.isEmpty && rejectedOnlyB.isEmpty && queue == nil }

    /// Counts for the summary line.
    public var fieldCount: Int { contacts.reduce(0) { $0 + $1.fields.count } }
    public var activityCount: Int { contacts.reduce(0) { $0 + $1.activityRows } }

    /// Compares what two projectors show and hold now.
    public static func compare(_ a: Projector, _ b: Projector) -> ProjectionDiff {
        compare(a, b, halvesFrom: 4096)
    }

    /// ``compare(_:_:)``, with `halvesFrom` or more contacts (accounts) compared in two halves on
    /// two threads, joined in order.
    static func compare(_ a: Projector, _ b: Projector, halvesFrom many: Int) -> ProjectionDiff {
        var diff = ProjectionDiff()
        let ids = merged(a.marketoContactsInOrder, b.marketoContactsInOrder)
        diff.contacts = inHalves(ids, from: many) { contacts($0, a, b, room: $1) }
        let accountIDs = merged(a.accountsInOrder, b.accountsInOrder)
        diff.accounts = inHalves(accountIDs, from: many) { accounts($0, a, b, room: $1) }
        (diff.rejectedOnlyA, diff.rejectedOnlyB) = onlyOnOneSide(a.rejections, b.rejections)
        let (qa, qb) = (a.queue, b.queue)
        if qa != qb { diff.queue = Pair(a: qa, b: qb) }
        return diff
    }

    /// A name on either side, with its dense id on each (-1: not on that side).
    struct Both: Sendable {
        var name: String
        var a: Int32
        var b: Int32
    }

    /// Two sides' names in order, with their ids, as one list in order, each name once.
    static func merged(_ x: [Projector.Named], _ y: [Projector.Named]) -> [Both] {
        var out: [Both] = []
        out.reserveCapacity(max(x.count, y.count))
        CanonicalJSON.merge(x, y, by: { CanonicalJSON.utf8Less($0.name, $1.name) }) { p, q in
            out.append(Both(name: (p ?? q)!.name, a: p?.id ?? -1, b: q?.id ?? -1))
        }
        return out
    }

    /// `compare` of the ids, in two halves on two threads when there are `many` or more,
    /// joined in order. The first half's list has room for every id's (`compare`'s second
    /// argument), so the second's is appended in place: joined into a new list, both halves and
    /// the whole were held at once, the diff's largest moment.
    private static func inHalves<T: Sendable>(_ ids: [Both], from many: Int,
                                              _ compare: @Sendable (ArraySlice<Both>, _ room: Int) -> [T]) -> [T] {
        guard ids.count >= many else { return compare(ids[...], 0) }
        let halves = [ids[..<(ids.count / 2)], ids[(ids.count / 2)...]]
        var parts = parallelMap(2) { compare(halves[$0], $0 == 0 ? ids.count : 0) }
        var joined = parts[0]
        parts[0] = []
        joined.append(contentsOf: parts[1])
        return joined
    }

    /// How the accounts `ids` differ, in order.
    private static func accounts(_ ids: ArraySlice<Both>, _ a: Projector, _ b: Projector, room: Int) -> [AccountDiff] {
        var out: [AccountDiff] = []
        out.reserveCapacity(room)
        // The company in Marketo, and the account in Dynamics unless deleted there.
        func company(_ p: Projector, _ i: Int32) -> Company? { i >= 0 ? p.companies[Int(i)] : nil }
        func dynamics(_ p: Projector, _ i: Int32) -> DynamicsAccount? { i >= 0 ? p.dynamicsAccounts[Int(i)].flatMap { $0.deleted ? nil : $0 } : nil }
        for id in ids {
            var d = AccountDiff(account: id.name, inMarketo: nil, inDynamics: nil, deletedInDynamics: nil, marketo: [], dynamics: [])
            let (ma, mb) = (company(a, id.a), company(b, id.b))
            if (ma != nil) != (mb != nil) { d.inMarketo = Pair(a: ma != nil, b: mb != nil) }
            let (da, db) = (dynamics(a, id.a), dynamics(b, id.b))
            if (da != nil) != (db != nil) { d.inDynamics = Pair(a: da != nil, b: db != nil) }
            let (xa, xb) = (ma?.deletedInDynamics ?? false, mb?.deletedInDynamics ?? false)
            if xa != xb { d.deletedInDynamics = Pair(a: xa, b: xb) }
            let (sa, sb) = (ma?.stale ?? false, mb?.stale ?? false)
            if sa != sb { d.stale = Pair(a: sa, b: sb) }
            d.marketo = fieldPairs(inOrder: ma.map { a.inOrder($0.fields) } ?? [], mb.map { b.inOrder($0.fields) } ?? [])
            d.dynamics = fieldPairs(inOrder: da.map { a.inOrder($0.fields) } ?? [], db.map { b.inOrder($0.fields) } ?? [])
            if d.inMarketo != nil || d.inDynamics != nil || d.deletedInDynamics != nil || d.stale != nil
                || !d.marketo.isEmpty || !d.dynamics.isEmpty {
                out.append(d)
            }
        }
        return out
    }

    /// How the contacts `ids` differ, in order.
    private static func contacts(_ ids: ArraySlice<Both>, _ a: Projector, _ b: Projector, room: Int) -> [ContactDiff] {
        var out: [ContactDiff] = []
        out.reserveCapacity(room)
        // The fields a contact shows are its company's: each company's values are put in field
        // order once, and merged with the other side's once per pair of companies (the
        // contacts of a pair share one list).
        var shown = PairMemo(capacity: ids.count)
        var (listsA, listsB) = ([[Field]?](repeating: nil, count: a.companies.count), [[Field]?](repeating: nil, count: b.companies.count))
        func list(_ p: Projector, _ mc: MarketoContact?, _ lists: inout [[Field]?]) -> [Field] {
            guard let c = mc?.open?.account else { return [] }
            if let known = lists[Int(c)] { return known }
            let made = p.inOrder(p.companies[Int(c)]!.fields)
            lists[Int(c)] = made
            return made
        }
        for c in ids {
            var d = ContactDiff(contact: c.name, inMarketo: nil, account: nil, fields: [], activities: [])
            let x = c.a >= 0 ? a.contacts[Int(c.a)] : nil
            let y = c.b >= 0 ? b.contacts[Int(c.b)] : nil
            let (ia, ib) = (x != nil, y != nil)
            if ia != ib { d.inMarketo = Pair(a: ia, b: ib) }
            let (aa, ab) = (a.marketoAccount(x), b.marketoAccount(y))
            if aa != ab { d.account = Pair(a: aa, b: ab) }
            let pair = (x?.open?.account ?? -1, y?.open?.account ?? -1)
            let (slot, known) = shown.find(pair)
            if let known {
                d.fields = known
            } else {
                d.fields = fieldPairs(inOrder: list(a, x, &listsA), list(b, y, &listsB))
                shown.add(d.fields, pair, at: slot)
            }
            let (ta, tb) = (x.map(a.tally) ?? Tally(), y.map(b.tally) ?? Tally())
            for source in ActivitySource.allCases where ta.count(source) != tb.count(source) {
                d[source] = Pair(a: ta.count(source), b: tb.count(source))
            }
            if d.inMarketo != nil || d.account != nil || !d.fields.isEmpty || d.activityRows > 0 {
                out.append(d)
            }
        }
        return out
    }

    /// A field's name and value.
    typealias Field = (name: String, value: Value)

    /// The fields whose values differ between two lists in field order (UTF-8 bytes of their
    /// names), merged: a field one side lacks is null there.
    static func fieldPairs(inOrder a: [Field], _ b: [Field]) -> [FieldPair] {
        var out: [FieldPair] = []
        CanonicalJSON.merge(a, b, by: { CanonicalJSON.utf8Less($0.name, $1.name) }) { p, q in
            let (x, y) = (p?.value ?? .null, q?.value ?? .null)
            if x != y { out.append(FieldPair(field: (p ?? q)!.name, values: Pair(a: x, b: y))) }
        }
        return out
    }

    private struct RejectionKey: Hashable {
        var at: Seconds, type: String, reason: String, account: String?, contact: String?
        init(_ r: Rejection) { (at, type, reason, account, contact) = (r.at, r.type, r.reason, r.account, r.contact) }
    }

    static func onlyOnOneSide(_ a: [Rejection], _ b: [Rejection]) -> ([Rejection], [Rejection]) {
        func extra(_ x: [Rejection], over y: [Rejection]) -> [Rejection] {
            var counts: [RejectionKey: Int] = [:]
            for r in y { counts[RejectionKey(r), default: 0] += 1 }
            return x.filter { r in
                let k = RejectionKey(r)
                if let n = counts[k], n > 0 { counts[k] = n - 1; return false }
                return true
            }
        }
        return (extra(a, over: b), extra(b, over: a))
    }
}

/// The field differences of pairs of companies, by their ids on each side (-1: none): open
/// addressing on the pair's bits (a dictionary hashed each pair with a seeded hasher).
private struct PairMemo {
    /// By slot: the pair's bits, and the index + 1 of its list (0: empty).
    private var keys: [UInt64]
    private var found: [Int32]
    private var lists: [[ProjectionDiff.FieldPair]] = []

    /// A memo for `capacity` pairs at most.
    init(capacity: Int) {
        var size = 16
        while size < 2 * capacity { size *= 2 }
        (keys, found) = (Array(repeating: 0, count: size), Array(repeating: 0, count: size))
    }

    private static func key(_ pair: (Int32, Int32)) -> UInt64 {
        UInt64(UInt32(bitPattern: pair.0)) << 32 | UInt64(UInt32(bitPattern: pair.1))
    }

    /// The pair's slot, and its list if it has one.
    func find(_ pair: (Int32, Int32)) -> (slot: Int, list: [ProjectionDiff.FieldPair]?) {
        let key = Self.key(pair)
        let mask = keys.count - 1
        var i = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
        while found[i] != 0 {
            if keys[i] == key { return (i, lists[Int(found[i]) - 1]) }
            i = (i + 1) & mask
        }
        return (i, nil)
    }

    /// Keeps the list of a pair that ``find(_:)`` did not find, in the slot it gave.
    mutating func add(_ list: [ProjectionDiff.FieldPair], _ pair: (Int32, Int32), at slot: Int) {
        precondition(lists.count < keys.count / 2, "PairMemo holds at most the capacity it was made for")
        lists.append(list)
        (keys[slot], found[slot]) = (Self.key(pair), Int32(lists.count))
    }
}
