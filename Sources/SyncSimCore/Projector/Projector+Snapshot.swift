import CPrefetch
/// A compact, deterministic binary form of a projector's state, stored as checkpoints in a
/// log so that a projection at any instant replays only the events after the last checkpoint.
///
/// Maps are written in sorted key order, so the same state always gives the same bytes.
/// Snapshots hold counts, not activity records: a restored projector does not keep them.
extension Projector {
    /// Format version of snapshots.
    static let snapshotVersion: UInt64 = 7

    /// The state as bytes. Accounts, contacts and field names are written as tables in id order
    /// (the order the log first named them), so the same log gives the same bytes and a restored
    /// projector numbers what comes next as the full replay does.
    public func snapshot() -> [UInt8] {
        snapshot(reusing: nil)
    }

    /// What a snapshot keeps for the next snapshot of the same projector as it goes on, so that
    /// each encodes only what changed since the last one and copies the rest from it: of the
    /// lists that only grow (the names of contacts and accounts, the rejections), what was added;
    /// of the accounts and the contacts, the pieces whose version changed. The bytes are the same.
    public final class SnapshotCache {
        /// The last snapshot's bytes (shared with whoever took them, not copied).
        var last: [UInt8] = []
        /// The last snapshot's ``Projector/lastSeq``: the checkpoint a patch of it names.
        var lastSeq = 0
        /// Checkpoints stored as patches since the last whole one (see ``Projector/checkpoint(reusing:)``).
        var patchesInARow = 0
        var contactNames = Part(), accountNames = Part(), rejections = Part()
        /// The numbers of the rejections' texts written so far (see ``SnapshotWriter/text(_:_:)``).
        var rejectionTexts = SnapshotWriter.TextTable()
        /// The accounts, one piece each, and the contacts, a piece per ``Projector/contactChunk``.
        var accounts = Pieces(), contacts = Pieces()

        /// Items `0..<count` of a list, encoded at `range` of ``last``.
        struct Part {
            var count = 0
            var range = 0..<0
        }

        /// Pieces of a section: piece `k` is at `offsets[k]..<offsets[k + 1]` of ``last``,
        /// written at version `versions[k]`.
        struct Pieces {
            var offsets: [Int] = [0]
            var versions: [UInt64] = []

            func holds(_ k: Int, at version: UInt64) -> Bool { k < versions.count && versions[k] == version }
            func range(_ k: Int) -> Range<Int> { offsets[k]..<offsets[k + 1] }
        }

        public init() {}
    }

    /// ``snapshot()``, encoding only what was added or changed since `cache` last saw this
    /// projector. A cache serves one projector (and the projector it becomes as it goes on),
    /// from its first snapshot on.
    ///
    /// What changed is written first, into one buffer, then the snapshot is laid out, each of
    /// its bytes copied once, from that buffer or from the last snapshot (gathering each section
    /// in a buffer of its own, then appending buffers to buffers, copied each byte four times).
    public func snapshot(reusing cache: SnapshotCache?) -> [UInt8] {
        snapshot(reusing: cache ?? SnapshotCache(), patch: false).bytes
    }

    /// ``snapshot(reusing:)``, and if `patch` and the cache holds a last snapshot, the same
    /// snapshot as a patch of that one (see ``checkpoint(reusing:)``).
    func snapshot(reusing cache: SnapshotCache, patch: Bool) -> (bytes: [UInt8], patch: [UInt8]?) {
        var a = SnapshotAssembly(capacity: cache.last.isEmpty ? 64 + 24 * contacts.count + 64 * companies.count : cache.last.count / 2)
        /// The items of a list added since the cache's, encoded (not laid out yet), and the cache's part.
        func added<T>(_ items: [T], _ part: KeyPath<SnapshotCache, SnapshotCache.Part>, _ encode: (inout SnapshotWriter, T) -> Void) -> (old: SnapshotCache.Part, new: Range<Int>) {
            var old = cache[keyPath: part]
            if old.count > items.count { old = .init() }
            let new = a.encode { w in for item in items[old.count...] { encode(&w, item) } }
            return (old, new)
        }
        /// Lays out a list: its count, then its items, and notes where they are for the next snapshot.
        func list(_ count: Int, _ items: (old: SnapshotCache.Part, new: Range<Int>), _ part: ReferenceWritableKeyPath<SnapshotCache, SnapshotCache.Part>) {
            a.write { $0.uint(UInt64(count)) }
            let start = a.position
            a.place(old: items.old.range)
            a.place(fresh: items.new)
            cache[keyPath: part] = SnapshotCache.Part(count: count, range: start..<a.position)
        }
        /// Encodes the pieces whose version the cache does not hold: their ranges, in order.
        /// `ahead(k, step)`, if given, is told of the pieces to come: step 2 two pieces to be encoded
        /// ahead, step 1 one ahead (to ask the processor for what encoding them will read).
        func changed(_ versions: [UInt64], _ old: SnapshotCache.Pieces, ahead: ((Int, Int) -> Void)? = nil,
                     _ encode: (Int, inout SnapshotWriter) -> Void) -> [Range<Int>] {
            let todo = versions.indices.filter { !old.holds($0, at: versions[$0]) }
            var ranges: [Range<Int>] = []
            ranges.reserveCapacity(todo.count)
            for n in todo.indices {
                if let ahead {
                    if n + 2 < todo.count { ahead(todo[n + 2], 2) }
                    if n + 1 < todo.count { ahead(todo[n + 1], 1) }
                }
                ranges.append(a.encode { encode(todo[n], &$0) })
            }
            return ranges
        }
        /// The length of pieces laid out from the cache's and the `changed` ones.
        func length(_ versions: [UInt64], _ old: SnapshotCache.Pieces, _ changed: [Range<Int>]) -> Int {
            var n = changed.reduce(0) { $0 + $1.count }
            for k in versions.indices where old.holds(k, at: versions[k]) { n += old.range(k).count }
            return n
        }
        /// Lays out pieces `0..<versions.count`: the cache's where it holds their version, else
        /// the `changed` ones, in order; and notes where they are for the next snapshot.
        func layOut(_ versions: [UInt64], _ old: SnapshotCache.Pieces, _ changed: [Range<Int>]) -> SnapshotCache.Pieces {
            var offsets = [a.position]
            offsets.reserveCapacity(versions.count + 1)
            var next = 0
            for k in versions.indices {
                if old.holds(k, at: versions[k]) {
                    a.place(old: old.range(k))
                } else {
                    a.place(fresh: changed[next])
                    next += 1
                }
                offsets.append(a.position)
            }
            return SnapshotCache.Pieces(offsets: offsets, versions: versions)
        }

        a.write { $0.uint(Self.snapshotVersion) }
        // The contacts first, behind their length, so that they can be decoded on their own.
        let names = added(contactNames.names, \.contactNames) { $0.string($1) }
        // Through a buffer and by index, so each value is read in place: copying a contact or a
        // company out of its array retains and releases all it holds.
        let contactPieces = contacts.withUnsafeBufferPointer { contacts in
            /// The contact ids of a chunk.
            func ids(_ chunk: Int) -> Range<Int> { chunk * Self.contactChunk..<min(contacts.count, (chunk + 1) * Self.contactChunk) }
            // The records of the chunk two ahead are asked for meanwhile: the chunks to encode
            // lie apart in an array of megabytes, each a first read from memory.
            return changed(contactChunkVersions, cache.contacts, ahead: { chunk, step in
                guard step == 2 else { return }
                let records = ids(chunk)
                let (start, end) = (UnsafeRawPointer(contacts.baseAddress! + records.lowerBound), UnsafeRawPointer(contacts.baseAddress! + records.upperBound))
                for line in stride(from: start, to: end, by: 64) { syncsim_prefetch(line) }
            }) { chunk, w in
                for ci in ids(chunk) {
                    guard contacts[ci] != nil else { w.byte(0); continue }
                    // 1: no account; 2: an account and its open link; 3: an account with no company yet.
                    if let o = contacts[ci]!.open {
                        w.byte(2); w.uint(UInt64(o.account)); w.tally(o.from)
                    } else if contacts[ci]!.linked >= 0 {
                        w.byte(3); w.uint(UInt64(contacts[ci]!.linked))
                    } else {
                        w.byte(1)
                    }
                    w.tally(contacts[ci]!.closed)
                }
            }
        }
        let sectionLength = SnapshotWriter.uintLength(UInt64(contactNames.count)) + names.old.range.count + names.new.count
            + length(contactChunkVersions, cache.contacts, contactPieces)
        a.write { $0.uint(UInt64(sectionLength)) }
        list(contactNames.count, names, \.contactNames)
        cache.contacts = layOut(contactChunkVersions, cache.contacts, contactPieces)
        a.write { w in
            w.rules(rules)
            w.int(now)
            w.uint(UInt64(lastSeq))
        }
        // A rejection's type and reason are a few dozen texts, each repeated thousands of times:
        // written once, then by number. The numbering goes on from the cached rejections.
        var texts = cache.rejectionTexts
        if cache.rejections.count > rejections.count { texts = SnapshotWriter.TextTable() }  // `added` starts the list over
        let newRejections = added(rejections, \.rejections) { w, r in
            w.uint(UInt64(r.seq)); w.int(r.at); w.text(r.type, &texts); w.text(r.reason, &texts)
            w.optionalString(r.account); w.optionalString(r.contact)
        }
        list(rejections.count, newRejections, \.rejections)
        cache.rejectionTexts = texts
        a.write { w in
            w.strings(fieldNames.names)
            for named in namedFields { w.bool(named) }
        }
        list(accountNames.count, added(accountNames.names, \.accountNames) { $0.string($1) }, \.accountNames)
        // The accounts, each a piece.
        let accountPieces = dynamicsAccounts.withUnsafeBufferPointer { dynamics in
            companies.withUnsafeBufferPointer { companies in
                // What the next accounts to encode will read, scattered on the heap, is on its way
                // meanwhile: their records two ahead, then their arrays one ahead.
                changed(accountVersions, cache.accounts, ahead: { ai, step in
                    Prefetcher.prefetchAccount(ai, step: step, dynamics: dynamics, companies: companies)
                }) { ai, w in
                    w.bool(dynamics[ai] != nil)
                    if dynamics[ai] != nil { w.fields(dynamics[ai]!.fields); w.bool(dynamics[ai]!.deleted) }
                    w.bool(companies[ai] != nil)
                    guard companies[ai] != nil else { return }
                    // Marketo's copy mostly holds what Dynamics holds: only the fields where they differ.
                    w.fields(companies[ai]!.fields, over: dynamics[ai]?.fields)
                    w.bool(companies[ai]!.deletedInDynamics); w.bool(companies[ai]!.stale); w.tally(companies[ai]!.tally)
                    w.uint(UInt64(companies[ai]!.localEdits.count))
                    for e in companies[ai]!.localEdits {
                        w.uint(UInt64(e.field)); w.uint(UInt64(e.edit.seq)); w.int(e.edit.at); w.string(e.edit.contact); w.value(e.edit.value)
                    }
                }
            }
        }
        cache.accounts = layOut(accountVersions, cache.accounts, accountPieces)
        a.write { w in
            w.events(pending)
            w.bool(lastStart != nil)
            if let lastStart { w.int(lastStart) }
            w.bool(inflight != nil)
            if let c = inflight {
                w.int(c.index); w.int(c.start); w.int(c.end); w.rules(c.rules)
                w.bool(c.queue != nil)
                if let q = c.queue {
                    w.uint(UInt64(q.waiting)); w.uint(UInt64(q.carried)); w.uint(UInt64(q.left))
                    w.bool(q.oldestLeft != nil)
                    if let oldest = q.oldestLeft { w.int(oldest) }
                }
                w.ids(c.allTargets)
                w.events(c.carried)
                w.uint(UInt64(c.accounts.count))
                for p in c.accounts {
                    w.uint(UInt64(p.account)); w.bool(p.deleted); w.bool(p.createdHere); w.fields(p.values)
                    w.ids(p.named.sorted)
                }
            }
        }
        let bytes = a.bytes(old: cache.last)
        let stored = patch && !cache.last.isEmpty ? a.patch(of: cache.lastSeq) : nil
        cache.last = bytes
        cache.lastSeq = lastSeq
        return (bytes, stored)
    }

    /// Whether `bytes` are a snapshot in this version's format (a log written by an earlier
    /// version may hold checkpoints in an older one: they are not used, and not checked).
    public static func isCurrentSnapshot(_ bytes: [UInt8]) -> Bool {
        var r = SnapshotReader(bytes: bytes)
        return (try? r.uint()) == snapshotVersion
    }

    /// The contacts of a snapshot, decoded apart from the rest.
    public struct SnapshotContacts: Sendable {
        var names: Interner
        var contacts: [MarketoContact?]
        /// By account id: the contacts it links, in contact id order (each contact's slot).
        var members: [[Int32]]
    }

    /// Decodes the contacts of snapshot bytes (the slow half of a large snapshot), so that a caller
    /// may do it on a second thread while ``init(snapshot:contacts:)`` decodes the rest.
    /// Nil if they are not valid.
    public static func snapshotContacts(_ bytes: [UInt8]) -> SnapshotContacts? {
        var r = SnapshotReader(bytes: bytes)
        do {
            guard try r.uint() == snapshotVersion else { return nil }
            let length = try r.count()
            guard r.i + length <= bytes.count else { return nil }
            let end = r.i + length
            guard let names = Interner(unique: try r.strings()) else { return nil }
            // Appended in id order, each moved in (rather than filled with nil and then replaced
            // one by one, which copies every contact twice).
            var contacts: [MarketoContact?] = []
            contacts.reserveCapacity(names.count)
            var members: [[Int32]] = []
            for ci in names.names.indices {
                let tag = try r.byte()
                guard tag != 0 else {
                    contacts.append(nil)
                    continue
                }
                var c = MarketoContact()
                switch tag {
                case 1: break
                case 2:
                    // The account id is checked against the accounts when the halves are joined;
                    // every account takes bytes of the snapshot, so the id is below its length.
                    let ai = Int(try r.count())
                    if ai >= members.count { members += Array(repeating: [], count: ai + 1 - members.count) }
                    c.open = OpenLink(account: Int32(ai), from: try r.tally())
                    c.linked = Int32(ai)
                    c.slot = Int32(members[ai].count)
                    members[ai].append(Int32(ci))
                case 3:
                    c.linked = Int32(try r.count())  // checked against the accounts when the halves are joined
                default: return nil
                }
                c.closed = try r.tally()
                contacts.append(c)
            }
            guard r.i == end else { return nil }
            return SnapshotContacts(names: names, contacts: contacts, members: members)
        } catch {
            return nil
        }
    }

    /// A projector restored from ``snapshot()`` bytes; nil if they are not a valid snapshot.
    /// `contacts` gives the decoded contacts of the same bytes (by default decoded here);
    /// it is called once the rest is decoded.
    public init?(snapshot bytes: [UInt8], contacts decodedContacts: () -> SnapshotContacts? = { nil }) {
        var r = SnapshotReader(bytes: bytes)
        guard (try? r.uint()) == Self.snapshotVersion, let length = try? r.count(), r.i + length <= bytes.count else { return nil }
        r.i += length
        guard let rules = try? r.rules() else { return nil }
        do {
            let now = try r.int()
            let lastSeq = Int(try r.uint())
            var texts: [String] = []
            var rejections: [Rejection] = []
            for _ in 0..<(try r.count()) {
                rejections.append(Rejection(seq: Int(try r.uint()), at: try r.int(), type: try r.text(&texts), reason: try r.text(&texts),
                                            account: try r.optionalString(), contact: try r.optionalString()))
            }
            guard let fieldNames = Interner(unique: try r.strings()) else { return nil }
            let namedFields = try fieldNames.names.map { _ in try r.bool() }
            let fieldCount = fieldNames.count
            guard let accountNames = Interner(unique: try r.strings()) else { return nil }
            var companies = [Company?](repeating: nil, count: accountNames.count)
            var dynamicsAccounts = [DynamicsAccount?](repeating: nil, count: accountNames.count)
            for ai in accountNames.names.indices {
                if try r.bool() {
                    dynamicsAccounts[ai] = DynamicsAccount(fields: try r.fields(fieldCount), deleted: try r.bool())
                }
                if try r.bool() {
                    var c = Company()
                    c.fields = try r.fields(fieldCount, over: dynamicsAccounts[ai]?.fields)
                    c.deletedInDynamics = try r.bool()
                    c.stale = try r.bool()
                    c.tally = try r.tally()
                    for _ in 0..<(try r.count()) {
                        let field = try r.id(fieldCount)
                        let seq = Int(try r.uint()), at = try r.int(), contact = try r.string()
                        c.recordEdit(field, LocalEdit(seq: seq, at: at, contact: contact, value: try r.value()))
                    }
                    companies[ai] = c
                }
            }
            let accountCount = accountNames.count
            guard let part = decodedContacts() ?? Self.snapshotContacts(bytes) else { return nil }
            // Join the halves: each company takes the list of the contacts that link to it.
            guard part.members.count <= companies.count,
                  part.contacts.allSatisfy({ ($0?.linked ?? -1) < Int32(companies.count) }) else { return nil }
            for (ai, list) in part.members.enumerated() where !list.isEmpty {
                guard companies[ai] != nil else { return nil }
                companies[ai]!.members = list
            }
            // A waiting event names an account or a contact of the tables.
            func knowsRecord(_ c: Carried) -> Bool {
                if Self.isAccountEvent(c.event) { return accountNames.lookup(c.event.account!) != nil }
                if let contact = c.event.contact { return part.names.lookup(contact) != nil }
                return true
            }
            func withRecordIDs(_ c: Carried) -> Carried {
                var c = c
                if Self.isAccountEvent(c.event) { c.account = accountNames.lookup(c.event.account!)! }
                if !Self.isAccountEvent(c.event), let contact = c.event.contact { c.contact = part.names.lookup(contact)! }
                return c
            }
            let pending = try r.events()
            guard pending.allSatisfy(knowsRecord) else { return nil }
            let lastStart = try r.bool() ? try r.int() : nil
            var inflight: Cycle?
            if try r.bool() {
                let index = try r.int(), start = try r.int(), end = try r.int(), cycleRules = try r.rules()
                var queue: CycleReport.Queue?
                if try r.bool() {
                    let waiting = try r.count(), taken = try r.count(), left = try r.count()
                    let oldestLeft = try r.bool() ? try r.int() : nil
                    queue = CycleReport.Queue(waiting: waiting, carried: taken, left: left, oldestLeft: oldestLeft)
                }
                let targets = try r.ids(fieldCount)
                let carried = try r.events()
                guard carried.allSatisfy(knowsRecord) else { return nil }
                var plans: [Cycle.AccountPlan] = []
                for _ in 0..<(try r.count()) {
                    plans.append(Cycle.AccountPlan(account: try r.id(accountCount), deleted: try r.bool(), createdHere: try r.bool(),
                                                   values: try r.fields(fieldCount), named: FieldIDSet(try r.ids(fieldCount))))
                }
                inflight = Cycle(index: index, start: start, end: end, rules: cycleRules, allTargets: targets,
                                 carried: carried.map(withRecordIDs), accounts: plans, queue: queue)
            }
            guard r.atEnd else { return nil }
            self.init(rules: rules, restoring: RestoredState(
                now: now, lastSeq: lastSeq, rejections: rejections, fieldNames: fieldNames, namedFields: namedFields,
                accountNames: accountNames, dynamicsAccounts: dynamicsAccounts, companies: companies,
                contactNames: part.names, contacts: part.contacts, pending: pending.map(withRecordIDs), inflight: inflight, lastStart: lastStart))
        } catch {
            return nil
        }
    }

    private static func isAccountEvent(_ e: Event) -> Bool { e.kind.type.isAccountRecord }
}
