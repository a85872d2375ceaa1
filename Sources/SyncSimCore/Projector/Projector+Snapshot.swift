import CPrefetch
/// A compact, deterministic binary form of a projector's state, stored as checkpoints in a
/// log so that a projection at any instant replays only the events after the last checkpoint.
///
/// Maps are written in sorted key order, so the same state always gives the same bytes.
/// Snapshots hold counts, not activity records: a restored projector does not keep them.
extension Projector {
    /// Format version of snapshots.
    static let snapshotVersion: UInt64 = 6

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
                    // 1: no account; 2: an account and its open link.
                    if let o = contacts[ci]!.open {
                        w.byte(2); w.uint(UInt64(o.account)); w.tally(o.from)
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
                    w.bool(companies[ai]!.deletedInDynamics); w.tally(companies[ai]!.tally)
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
            w.bool(inflight != nil)
            if let c = inflight {
                w.int(c.index); w.int(c.start); w.int(c.end); w.rules(c.rules)
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
                    c.slot = Int32(members[ai].count)
                    members[ai].append(Int32(ci))
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
        self.init(rules: rules)
        shadow = nil  // the reference cannot start mid-log (see ``ShadowReference``)
        do {
            now = try r.int()
            lastSeq = Int(try r.uint())
            var texts: [String] = []
            for _ in 0..<(try r.count()) {
                rejections.append(Rejection(seq: Int(try r.uint()), at: try r.int(), type: try r.text(&texts), reason: try r.text(&texts),
                                            account: try r.optionalString(), contact: try r.optionalString()))
            }
            guard let fields = Interner(unique: try r.strings()) else { return nil }
            fieldNames = fields
            namedFields = try fieldNames.names.map { _ in try r.bool() }
            let fieldCount = fieldNames.count
            guard let accounts = Interner(unique: try r.strings()) else { return nil }
            accountNames = accounts
            companies = Array(repeating: nil, count: accounts.count)
            dynamicsAccounts = Array(repeating: nil, count: accounts.count)
            accountVersions = Array(repeating: 0, count: accounts.count)
            for ai in accountNames.names.indices {
                if try r.bool() {
                    dynamicsAccounts[ai] = DynamicsAccount(fields: try r.fields(fieldCount), deleted: try r.bool())
                }
                if try r.bool() {
                    var c = Company()
                    c.fields = try r.fields(fieldCount, over: dynamicsAccounts[ai]?.fields)
                    c.deletedInDynamics = try r.bool()
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
            contactNames = part.names
            contacts = part.contacts
            contactChunkVersions = Array(repeating: 0, count: (contacts.count + Self.contactChunk - 1) / Self.contactChunk)
            // Join the halves: each company takes the list of the contacts that link to it.
            guard part.members.count <= companies.count else { return nil }
            for (ai, list) in part.members.enumerated() where !list.isEmpty {
                guard companies[ai] != nil else { return nil }
                companies[ai]!.members = list
            }
            pending = try r.events()
            guard pending.allSatisfy(knowsAccount) else { return nil }
            if try r.bool() {
                let index = try r.int(), start = try r.int(), end = try r.int(), cycleRules = try r.rules()
                let targets = try r.ids(fieldCount)
                let carried = try r.events()
                guard carried.allSatisfy(knowsAccount) else { return nil }
                var plans: [Cycle.AccountPlan] = []
                for _ in 0..<(try r.count()) {
                    plans.append(Cycle.AccountPlan(account: try r.id(accountCount), deleted: try r.bool(), createdHere: try r.bool(),
                                                   values: try r.fields(fieldCount), named: FieldIDSet(try r.ids(fieldCount))))
                }
                inflight = Cycle(index: index, start: start, end: end, rules: cycleRules, allTargets: targets,
                                 carried: carried.map(withAccountID), accounts: plans)
            }
            pending = pending.map(withAccountID)
            guard r.atEnd else { return nil }
        } catch {
            return nil
        }
    }

    /// Whether an account event names an account of the tables (a snapshot's events must).
    private func knowsAccount(_ c: Carried) -> Bool {
        guard Self.isAccountEvent(c.event) else { return true }
        return accountNames.lookup(c.event.account!) != nil
    }

    private func withAccountID(_ c: Carried) -> Carried {
        var c = c
        if Self.isAccountEvent(c.event) { c.account = accountNames.lookup(c.event.account!)! }
        return c
    }

    private static func isAccountEvent(_ e: Event) -> Bool {
        switch e.kind {
        case .accountCreate, .accountUpdate, .accountDelete: return true
        default: return false
        }
    }
}

/// A snapshot put together from ranges of the last snapshot's bytes (what did not change) and
/// of bytes written for this one, each copied once into the result.
struct SnapshotAssembly: ~Copyable {
    /// Bytes written for this snapshot, in the order they were written (not the snapshot's).
    private(set) var fresh: SnapshotWriter
    /// The snapshot's parts in order: a range of the last snapshot's bytes (`old`) or of `fresh`.
    private(set) var parts: [(old: Bool, range: Range<Int>)] = []
    /// The snapshot's length so far.
    private(set) var position = 0

    init(capacity: Int) {
        fresh = SnapshotWriter(capacity: capacity)
    }

    /// Writes bytes without placing them: their range in the fresh bytes, to ``place(fresh:)`` later.
    mutating func encode(_ body: (inout SnapshotWriter) -> Void) -> Range<Int> {
        let start = fresh.count
        body(&fresh)
        return start..<fresh.count
    }

    /// Writes bytes and places them next.
    mutating func write(_ body: (inout SnapshotWriter) -> Void) {
        place(fresh: encode(body))
    }

    mutating func place(fresh range: Range<Int>) { add(old: false, range) }
    mutating func place(old range: Range<Int>) { add(old: true, range) }

    private mutating func add(old: Bool, _ range: Range<Int>) {
        guard !range.isEmpty else { return }
        position += range.count
        // Ranges that follow each other where they come from are copied as one.
        if let last = parts.last, last.old == old, last.range.upperBound == range.lowerBound {
            parts[parts.count - 1].range = last.range.lowerBound..<range.upperBound
        } else {
            parts.append((old, range))
        }
    }

    /// The snapshot, its parts copied from `old` (the last snapshot's bytes) and the fresh bytes.
    func bytes(old: [UInt8]) -> [UInt8] {
        let parts = self.parts
        return fresh.withBytes { fresh in
            old.withUnsafeBufferPointer { old in
                Array(unsafeUninitializedCapacity: position) { out, count in
                    for p in parts {
                        let source = p.old ? old : fresh
                        (out.baseAddress! + count).initialize(from: source.baseAddress! + p.range.lowerBound, count: p.range.count)
                        count += p.range.count
                    }
                }
            }
        }
    }
}

/// Appends snapshot fields: varints, zigzag integers, length-prefixed UTF-8.
///
/// Into a buffer of its own, written through a pointer: a snapshot is millions of writes of a
/// byte or a few, and an array's append (a uniqueness check and a capacity check, a call for a
/// run of bytes) cost more than the writing. Not copyable: the buffer has one owner, which frees it.
struct SnapshotWriter: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    /// Bytes written so far.
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 256) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The bytes written so far (a copy).
    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// The bytes written so far, lent for the call.
    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        body(UnsafeBufferPointer(start: base, count: count))
    }

    /// How many bytes ``uint(_:)`` writes for `v`.
    static func uintLength(_ v: UInt64) -> Int {
        var n = 1, v = v
        while v >= 0x80 { v >>= 7; n += 1 }
        return n
    }

    /// Makes room for `n` more bytes.
    @inline(__always)
    private mutating func reserve(_ n: Int) {
        if count + n > capacity { grow(to: count + n) }
    }

    private mutating func grow(to needed: Int) {
        var size = capacity * 2
        while size < needed { size *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
        bigger.update(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity = size
    }

    mutating func byte(_ b: UInt8) {
        reserve(1)
        base[count] = b
        count += 1
    }

    mutating func append(_ buffer: UnsafeBufferPointer<UInt8>) {
        guard let source = buffer.baseAddress, !buffer.isEmpty else { return }
        reserve(buffer.count)
        if buffer.count <= 16 {
            // Most strings of a snapshot (ids, short values): a loop costs less than a call to memmove.
            for i in 0..<buffer.count { base[count + i] = source[i] }
        } else {
            (base + count).update(from: source, count: buffer.count)
        }
        count += buffer.count
    }

    mutating func append(_ bytes: [UInt8]) { bytes.withUnsafeBufferPointer { append($0) } }

    @inline(__always)
    mutating func uint(_ v: UInt64) {
        reserve(10)
        if v < 0x80 {
            base[count] = UInt8(v)  // most ids, counts and tags
            count += 1
            return
        }
        longUInt(v)
    }

    private mutating func longUInt(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            base[count] = UInt8(v & 0x7F) | 0x80
            count += 1
            v >>= 7
        }
        base[count] = UInt8(v)
        count += 1
    }
    mutating func int(_ v: Int64) { uint(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }
    mutating func bool(_ b: Bool) { byte(b ? 1 : 0) }
    mutating func string(_ s: String) {
        // Read in place where the string allows it (a native string's storage, a small string on
        // the stack), else from a contiguous copy.
        if s.utf8.withContiguousStorageIfAvailable({ lengthPrefixed($0) }) == nil {
            var s = s
            s.withUTF8 { lengthPrefixed($0) }
        }
    }

    /// UTF-8 bytes behind their length.
    private mutating func lengthPrefixed(_ utf8: UnsafeBufferPointer<UInt8>) {
        uint(UInt64(utf8.count))
        append(utf8)
    }
    /// The texts ``text(_:_:)`` wrote, numbered in the order written.
    struct TextTable {
        var numbers: [String: Int] = [:]
        var count = 0
    }

    /// A text that repeats: once numbered in `table`, its number + 1; before, 0 and the text, which
    /// takes the next number. Texts are told apart by their bytes: a text equal as a `String` to a
    /// numbered one but spelled otherwise is written out, and numbered, each time.
    mutating func text(_ s: String, _ table: inout TextTable) {
        if let n = table.numbers.index(forKey: s), table.numbers.keys[n].utf8.elementsEqual(s.utf8) {
            uint(UInt64(table.numbers.values[n] + 1))
            return
        }
        if table.numbers[s] == nil { table.numbers[s] = table.count }
        table.count += 1
        uint(0)
        string(s)
    }
    mutating func optionalString(_ s: String?) {
        bool(s != nil)
        if let s { string(s) }
    }
    mutating func strings(_ list: [String]) {
        uint(UInt64(list.count))
        for s in list { string(s) }
    }
    mutating func value(_ v: Value) {
        switch v {
        case .null: byte(0)
        case .bool(let b): byte(b ? 2 : 1)
        case .number(.int(let i)): byte(3); int(i)
        case .number(.double(let d)):
            // As in canonical JSON, an integral double is the integer: a log's stored events
            // read back `1.0` as `1`, and the snapshot must not tell them apart.
            if d == d.rounded(), abs(d) < 9_007_199_254_740_992 {
                byte(3); int(Int64(d))
            } else {
                byte(4); uint(d.bitPattern)
            }
        case .string(let s): byte(5); string(s)
        }
    }
    /// Field values, in field id order (the order they are kept in).
    mutating func fields(_ f: FieldValues) {
        uint(UInt64(f.entries.count))
        f.entries.withUnsafeBufferPointer { entries in
            for i in entries.indices {
                uint(UInt64(entries[i].field))
                value(entries[i].value)
            }
        }
    }
    /// Field values as the changes that make them from `base` (none: no fields): in field id order,
    /// each field whose value differs, with its value, `null` where `base` has a field they lack.
    mutating func fields(_ f: FieldValues, over base: FieldValues?) {
        guard let base, !base.isEmpty else { return fields(f) }
        // Counted, then written, in two walks of the two lists: gathering the differences in an
        // array first allocated one for every company, each value retained into it.
        f.entries.withUnsafeBufferPointer { mine in
            base.entries.withUnsafeBufferPointer { theirs in
                var count = 0
                Self.differences(mine, theirs) { _, _ in count += 1 }
                uint(UInt64(count))
                Self.differences(mine, theirs) { field, i in
                    uint(UInt64(field))
                    if let i { value(mine[i].value) } else { byte(0) }  // `null`: `base` has it, `f` lacks it
                }
            }
        }
    }

    /// The fields where `mine` differs from `theirs` (both in field id order), in order: each
    /// with its index in `mine`, or nil where `theirs` has the field and `mine` lacks it.
    @inline(__always)
    private static func differences(_ mine: UnsafeBufferPointer<FieldValues.Entry>, _ theirs: UnsafeBufferPointer<FieldValues.Entry>,
                                    _ body: (_ field: Int32, _ index: Int?) -> Void) {
        var i = 0, j = 0
        while i < mine.count || j < theirs.count {
            if j == theirs.count || (i < mine.count && mine[i].field < theirs[j].field) {
                body(mine[i].field, i); i += 1
            } else if i == mine.count || theirs[j].field < mine[i].field {
                body(theirs[j].field, nil); j += 1
            } else {
                if mine[i].value != theirs[j].value { body(mine[i].field, i) }
                i += 1; j += 1
            }
        }
    }
    mutating func ids(_ list: [Int32]) {
        uint(UInt64(list.count))
        for i in list { uint(UInt64(i)) }
    }
    mutating func tally(_ t: Tally) { uint(UInt64(t.total)); uint(UInt64(t.dynamics)) }
    mutating func rules(_ r: SyncRules) { string(CanonicalJSON.string(for: r.json)) }
    mutating func events(_ list: [Projector.Carried]) {
        uint(UInt64(list.count))
        var json = JSONWriter(capacity: 0)  // for the rare events written as canonical JSON
        for i in list.indices {
            uint(UInt64(list[i].seq))
            event(list[i].event, &json)
        }
    }
    /// An event waiting for a cycle: a tag for its kind and its parts, then its instant and note.
    /// The kinds that never wait (a Marketo edit or create, a rule change) are written, should one
    /// come, as tag 0 and their canonical JSON. (A snapshot holds thousands of waiting events:
    /// written as JSON, with keys and quotes, they cost a fifth of the snapshot's time.)
    mutating func event(_ e: Event, _ json: inout JSONWriter) {
        switch e.kind {
        case .accountCreate(let a, let f): byte(1); string(a); eventFields(f)
        case .accountUpdate(let a, let f): byte(2); string(a); eventFields(f)
        case .accountDelete(let a): byte(3); string(a)
        case .contactCreate(let c, let a, let f): byte(4); string(c); optionalString(a); eventFields(f)
        case .contactMove(let c, let a): byte(5); string(c); string(a)
        case .marketoAccountEdit, .marketoAccountCreate, .configure:
            byte(0)
            json.bytes.removeAll(keepingCapacity: true)
            e.writeCanonical(to: &json)
            uint(UInt64(json.bytes.count))
            append(json.bytes)
            return
        }
        int(e.at)
        optionalString(e.note)
    }
    /// An event's fields, in their (canonical) order: names and values.
    mutating func eventFields(_ f: EventFields) {
        uint(UInt64(f.count))
        for (name, v) in f {
            string(name)
            value(v)
        }
    }
}

/// Reads what ``SnapshotWriter`` wrote; throws on truncated or malformed input.
struct SnapshotReader {
    struct Malformed: Error {}
    let bytes: [UInt8]
    var i = 0

    var atEnd: Bool { i == bytes.count }

    mutating func byte() throws -> UInt8 {
        guard i < bytes.count else { throw Malformed() }
        defer { i += 1 }
        return bytes[i]
    }
    mutating func uint() throws -> UInt64 {
        var v: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            guard shift < 64 else { throw Malformed() }
            v |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return v }
            shift += 7
        }
    }
    mutating func count() throws -> Int {
        let n = try uint()
        guard n <= UInt64(bytes.count) else { throw Malformed() }
        return Int(n)
    }
    mutating func int() throws -> Int64 {
        let u = try uint()
        return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
    }
    mutating func bool() throws -> Bool {
        switch try byte() {
        case 0: return false
        case 1: return true
        default: throw Malformed()
        }
    }
    mutating func string() throws -> String {
        let n = try count()
        guard i + n <= bytes.count else { throw Malformed() }
        // Not validated here: a damaged snapshot cannot crash the reader (bad bytes become
        // U+FFFD), and `verify` compares every snapshot with the replay it stands for.
        let s = bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[i..<i + n]), as: UTF8.self) }
        i += n
        return s
    }
    /// What ``SnapshotWriter/text(_:_:)`` wrote, with the texts read so far in `table`.
    mutating func text(_ table: inout [String]) throws -> String {
        let n = try uint()
        guard n > 0 else {
            let s = try string()
            table.append(s)
            return s
        }
        guard n <= table.count else { throw Malformed() }
        return table[Int(n - 1)]
    }
    mutating func optionalString() throws -> String? { try bool() ? try string() : nil }
    mutating func strings() throws -> [String] { try (0..<count()).map { _ in try string() } }
    mutating func value() throws -> Value {
        switch try byte() {
        case 0: return .null
        case 1: return .bool(false)
        case 2: return .bool(true)
        case 3: return .number(.int(try int()))
        case 4: return .number(.double(Double(bitPattern: try uint())))
        case 5: return .string(try string())
        default: throw Malformed()
        }
    }
    /// An id below `limit`.
    mutating func id(_ limit: Int) throws -> Int32 {
        let v = try uint()
        guard v < UInt64(limit) else { throw Malformed() }
        return Int32(v)
    }
    mutating func ids(_ limit: Int) throws -> [Int32] { try (0..<count()).map { _ in try id(limit) } }
    mutating func fields(_ fieldCount: Int) throws -> FieldValues {
        let n = try count()
        var entries: [FieldValues.Entry] = []
        entries.reserveCapacity(n)
        var last: Int32 = -1
        for _ in 0..<n {
            let field = try id(fieldCount)
            let v = try value()
            // In increasing id order, as written: one form for one content.
            guard field > last, !v.isNull else { throw Malformed() }
            entries.append(FieldValues.Entry(field: field, value: v))
            last = field
        }
        return FieldValues(sorted: entries)
    }
    /// What ``SnapshotWriter/fields(_:over:)`` wrote: `base` with the changes applied.
    mutating func fields(_ fieldCount: Int, over base: FieldValues?) throws -> FieldValues {
        guard let base, !base.isEmpty else { return try fields(fieldCount) }
        let n = try count()
        var entries: [FieldValues.Entry] = []
        entries.reserveCapacity(base.entries.count + n)
        var j = 0
        var last: Int32 = -1
        for _ in 0..<n {
            let field = try id(fieldCount)
            let v = try value()
            guard field > last else { throw Malformed() }
            last = field
            while j < base.entries.count && base.entries[j].field < field {
                entries.append(base.entries[j]); j += 1
            }
            let inBase = j < base.entries.count && base.entries[j].field == field
            // One form for one content: a change changes something.
            if inBase {
                guard v != base.entries[j].value else { throw Malformed() }
                j += 1
            } else if v.isNull {
                throw Malformed()
            }
            if !v.isNull { entries.append(FieldValues.Entry(field: field, value: v)) }
        }
        entries.append(contentsOf: base.entries[j...])
        return FieldValues(sorted: entries)
    }
    mutating func tally() throws -> Tally { Tally(total: Int(try uint()), dynamics: Int(try uint())) }
    mutating func rules() throws -> SyncRules {
        let text = try string()
        guard let node = try? JSONReader.parse(text), let change = try? RulesDecoder.syncBlock(node) else { throw Malformed() }
        return SyncRules(change)
    }
    mutating func events() throws -> [Projector.Carried] {
        try (0..<count()).map { _ in
            let seq = Int(try uint())
            return Projector.Carried(seq: seq, event: try event())
        }
    }
    /// What ``SnapshotWriter/event(_:_:)`` wrote.
    mutating func event() throws -> Event {
        let kind: Event.Kind
        switch try byte() {
        case 0:
            let n = try count()
            guard i + n <= bytes.count else { throw Malformed() }
            let e = try Event(canonicalJSON: String(decoding: bytes[i..<i + n], as: UTF8.self))
            i += n
            return e
        case 1: kind = .accountCreate(account: try string(), fields: try eventFields())
        case 2: kind = .accountUpdate(account: try string(), fields: try eventFields())
        case 3: kind = .accountDelete(account: try string())
        case 4: kind = .contactCreate(contact: try string(), account: try optionalString(), fields: try eventFields())
        case 5: kind = .contactMove(contact: try string(), account: try string())
        default: throw Malformed()
        }
        return Event(at: try int(), kind: kind, note: try optionalString())
    }
    /// What ``SnapshotWriter/eventFields(_:)`` wrote: names in increasing canonical order, as written.
    mutating func eventFields() throws -> EventFields {
        let n = try count()
        var entries: [EventFields.Element] = []
        entries.reserveCapacity(n)
        for _ in 0..<n {
            let name = try string()
            if let last = entries.last, !CanonicalJSON.utf8Less(last.key, name) { throw Malformed() }
            entries.append((key: name, value: try value()))
        }
        return EventFields(sorted: entries)
    }
}
