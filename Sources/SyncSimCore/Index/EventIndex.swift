/// An index of a log's events by the names they carry, one piece per committed batch: which
/// events name an account, which a contact, which are rule changes, and the first event of the
/// batch that names each account field. A question about one contact or one account reads the
/// pieces to find the events it needs (``ReplayScope``) instead of replaying the whole log.
///
/// A piece is bytes: the byte length of each kind's section (varints, in kind order), then the
/// sections: entries sorted by key (kind, then name by UTF-8 bytes), each
/// `kind` (1 byte), the name's length (varint) and bytes, the number of events (varint) and
/// their sequence numbers (varints: the first, then the gaps); a `link` entry then names the
/// contact of each event (length and bytes), so that an account's members are known without
/// reading their events.
public enum EventIndex {
    /// What an entry indexes.
    public enum Kind: UInt8, Sendable, Comparable, CaseIterable {
        /// An account's own events but its creates and deletes in Dynamics (its updates; Marketo creates).
        case account = 1
        /// A contact's events (create, move, Marketo edit).
        case contact = 2
        /// Contact creates and moves that link a contact to the account named.
        case link = 3
        /// The first event of a batch that names an account field (its name).
        case field = 4
        /// Rule changes (`sync.configure`), under the empty name.
        case rules = 5
        /// An account's creates and deletes in Dynamics: when it exists there.
        case existence = 6

        public static func < (a: Kind, b: Kind) -> Bool { a.rawValue < b.rawValue }
    }

    /// An entry's key.
    public struct Key: Hashable, Sendable, Comparable {
        public var kind: Kind
        public var name: String

        public init(_ kind: Kind, _ name: String) {
            (self.kind, self.name) = (kind, name)
        }

        public static func < (a: Key, b: Key) -> Bool {
            a.kind != b.kind ? a.kind < b.kind : CanonicalJSON.utf8Less(a.name, b.name)
        }
    }

    /// Calls `body` with each key an event is indexed under, and for a link the contact it
    /// links: the account and the contact it names; a rule change; and, for a Dynamics account
    /// create or update, the fields it names (``Builder`` keeps the first of the batch for each
    /// field: what names a field for `fields: all` is its first event).
    @inline(__always)
    public static func forEachKey(of event: Event, _ body: (_ kind: Kind, _ name: String, _ linked: String?) -> Void) {
        switch event.kind {
        case .accountCreate(let a, let f):
            body(.existence, a, nil)
            for name in f.keys { body(.field, name, nil) }
        case .accountUpdate(let a, let f):
            body(.account, a, nil)
            for name in f.keys { body(.field, name, nil) }
        case .accountDelete(let a):
            body(.existence, a, nil)
        case .marketoAccountCreate(let a, _):
            body(.account, a, nil)
        case .contactCreate(let c, let a, _):
            body(.contact, c, nil)
            if let a { body(.link, a, c) }
        case .contactMove(let c, let a):
            body(.contact, c, nil)
            body(.link, a, c)
        case .marketoAccountEdit(let c, _):
            body(.contact, c, nil)
        case .configure:
            body(.rules, "", nil)
        }
    }

    /// The keys ``forEachKey(of:_:)`` gives, as a list.
    public static func keys(of event: Event) -> [Key] {
        var keys: [Key] = []
        forEachKey(of: event) { kind, name, _ in keys.append(Key(kind, name)) }
        return keys
    }

    /// Gathers a batch's keys and encodes its piece.
    public struct Builder: Sendable {
        /// By kind: each name's place in ``lists``.
        private var places: [[String: Int]] = Array(repeating: [:], count: 7)
        /// Each entry's sequence numbers, and for a link entry its events' contacts.
        private var lists: [[Int]] = []
        private var contacts: [[String]] = []
        /// The fields named in this batch so far (a few: compared one by one, not hashed).
        private var fields: [String] = []

        public init() {}

        public var isEmpty: Bool { lists.isEmpty }

        public mutating func add(_ event: Event, seq: Int) {
            EventIndex.forEachKey(of: event) { kind, name, linked in
                if kind == .field {
                    guard !fields.contains(name) else { return }
                    fields.append(name)
                }
                note(kind, name, seq, contact: linked)
            }
        }

        private mutating func note(_ kind: Kind, _ name: String, _ seq: Int, contact: String? = nil) {
            let k = Int(kind.rawValue)
            let place: Int
            if let p = places[k][name] {
                place = p
            } else {
                place = lists.count
                places[k][name] = place
                lists.append([])
                contacts.append([])
            }
            lists[place].append(seq)
            if let contact { contacts[place].append(contact) }
        }

        /// The piece's bytes: kinds in order, names in UTF-8 byte order within each.
        public func encode() -> [UInt8] {
            var sections: [[UInt8]] = []
            for kind in Kind.allCases {
                var out: [UInt8] = []
                for name in CanonicalJSON.sorted(places[Int(kind.rawValue)].keys) {
                    let place = places[Int(kind.rawValue)][name]!
                    out.append(kind.rawValue)
                    varint(UInt64(name.utf8.count), &out)
                    out.append(contentsOf: name.utf8)
                    varint(UInt64(lists[place].count), &out)
                    var previous = 0
                    for s in lists[place] {
                        varint(UInt64(s - previous), &out)
                        previous = s
                    }
                    for c in contacts[place] {
                        varint(UInt64(c.utf8.count), &out)
                        out.append(contentsOf: c.utf8)
                    }
                }
                sections.append(out)
            }
            var piece: [UInt8] = []
            for section in sections { varint(UInt64(section.count), &piece) }
            for section in sections { piece.append(contentsOf: section) }
            return piece
        }

        private func varint(_ v: UInt64, _ out: inout [UInt8]) {
            var v = v
            while v >= 0x80 {
                out.append(UInt8(v & 0x7F) | 0x80)
                v >>= 7
            }
            out.append(UInt8(v))
        }
    }

    /// A piece that does not decode.
    public struct Malformed: Error, Sendable {}

    /// The sequence numbers under each of `wanted` keys in the pieces, and every field's first
    /// event (the field names the pieces hold, with the lowest sequence number of each). The
    /// pieces are walked in place: an entry that is not wanted is stepped over undecoded.
    public static func lookup(_ wanted: Set<Key>, in pieces: [[UInt8]]) throws(Malformed) -> Found {
        var found: [Key: [Int]] = [:]
        var members: [Key: [String]] = [:]
        var fields: [String: Int] = [:]
        let table = Wanted(wanted)
        try walk(table, pieces, fields: true) { kind, name, k, seqs, contacts in
            if kind == Kind.field.rawValue, let first = seqs.first {
                let n = String(decoding: name, as: UTF8.self)
                if fields[n].map({ $0 > first }) ?? true { fields[n] = first }
            }
            guard let k else { return }
            found[table.keys[k], default: []].append(contentsOf: seqs)
            if kind == Kind.link.rawValue { members[table.keys[k], default: []].append(contentsOf: contacts) }
        }
        return Found(seqs: found, firstOfField: fields, members: members)
    }

    /// The sequence numbers under any of `wanted` keys, in increasing order, each once: what
    /// ``lookup(_:in:)`` finds, joined, without gathering it key by key (a scope's last
    /// lookup asks for tens of thousands of contacts).
    public static func seqs(under wanted: Set<Key>, in pieces: [[UInt8]]) throws(Malformed) -> [Int] {
        var all: [Int] = []
        var start = 0
        // A piece's entries interleave their events; the pieces follow each other in order.
        func close() {
            all[start...].sort()
            start = all.count
        }
        try walk(Wanted(wanted), pieces, fields: false, pieceDone: close) { _, _, k, seqs, _ in
            if k != nil { all.append(contentsOf: seqs) }
        }
        var unique = all.isEmpty ? 0 : 1
        for i in all.indices.dropFirst() where all[i] != all[unique - 1] {
            all[unique] = all[i]
            unique += 1
        }
        all.removeLast(all.count - unique)
        return all
    }

    /// The wanted keys in an open-addressed table by a hash of their kind and bytes (no Hasher
    /// per entry of the pieces), compared byte for byte on a hit.
    private struct Wanted {
        let keys: [Key]
        let names: [[UInt8]]
        let hashes: [UInt64]
        let slots: [Int32]
        let kinds: Set<UInt8>

        init(_ wanted: Set<Key>) {
            let keys = Array(wanted)
            let names = keys.map { Array($0.name.utf8) }
            var size = 16
            while size < keys.count * 2 { size *= 2 }
            var slots = [Int32](repeating: -1, count: size)
            var hashes = [UInt64](repeating: 0, count: keys.count)
            for k in keys.indices {
                hashes[k] = names[k].withUnsafeBufferPointer { EventIndex.hash(keys[k].kind.rawValue, $0) }
                var slot = Int(truncatingIfNeeded: hashes[k]) & (size - 1)
                while slots[slot] >= 0 { slot = (slot + 1) & (size - 1) }
                slots[slot] = Int32(k)
            }
            (self.keys, self.names, self.slots, self.hashes) = (keys, names, slots, hashes)
            kinds = Set(keys.map(\.kind.rawValue))
        }

        /// The index in `keys` of the entry's key, if it is wanted.
        func find(_ kind: UInt8, _ name: UnsafeBufferPointer<UInt8>) -> Int? {
            let h = EventIndex.hash(kind, name)
            let mask = slots.count - 1
            var slot = Int(truncatingIfNeeded: h) & mask
            while slots[slot] >= 0 {
                let k = Int(slots[slot])
                if hashes[k] == h, keys[k].kind.rawValue == kind, names[k].elementsEqual(name) { return k }
                slot = (slot + 1) & mask
            }
            return nil
        }
    }

    /// Walks the pieces' sections of the wanted kinds (and the fields' when `fields`), calling
    /// `entry` with each entry that is wanted or names a field: its kind, name, the wanted key's
    /// index in `table.keys` (nil for a field not wanted), its sequence numbers, and for a
    /// wanted link its events' contacts. Other entries are stepped over undecoded;
    /// `pieceDone` follows each piece.
    private static func walk(
        _ table: Wanted, _ pieces: [[UInt8]], fields: Bool, pieceDone: () -> Void = {},
        entry: (UInt8, UnsafeBufferPointer<UInt8>, Int?, [Int], [String]) -> Void
    ) throws(Malformed) {
        var seqs: [Int] = []
        var contacts: [String] = []
        for piece in pieces {
            try piece.withUnsafeBufferPointer { p throws(Malformed) in
                var i = 0
                func varint() throws(Malformed) -> Int {
                    var v = 0
                    var shift = 0
                    while true {
                        guard i < p.count, shift < 63 else { throw Malformed() }
                        let b = p[i]
                        i += 1
                        v |= Int(b & 0x7F) << shift
                        if b < 0x80 { return v }
                        shift += 7
                    }
                }
                // Only the sections of the kinds wanted (and the fields') are walked.
                var ends: [Int] = []
                for _ in Kind.allCases { ends.append(try varint()) }
                var start = i
                var sections: [Range<Int>] = []
                for (k, length) in zip(Kind.allCases, ends) {
                    guard length <= p.count - start else { throw Malformed() }
                    if (fields && k == .field) || table.kinds.contains(k.rawValue) { sections.append(start..<(start + length)) }
                    start += length
                }
                guard start == p.count else { throw Malformed() }
                for section in sections {
                    i = section.lowerBound
                    while i < section.upperBound {
                        let kind = p[i]
                        guard Kind(rawValue: kind) != nil else { throw Malformed() }
                        i += 1
                        let length = try varint()
                        guard length <= p.count - i else { throw Malformed() }
                        let name = UnsafeBufferPointer(rebasing: p[i..<(i + length)])
                        i += length
                        let count = try varint()
                        guard count <= p.count - i else { throw Malformed() }
                        let key = table.find(kind, name)
                        let isLink = kind == Kind.link.rawValue
                        guard key != nil || kind == Kind.field.rawValue else {
                            // Stepped over: the gaps' varints, then a link's contacts.
                            var left = count
                            while left > 0 {
                                guard i < p.count else { throw Malformed() }
                                if p[i] < 0x80 { left -= 1 }
                                i += 1
                            }
                            if isLink {
                                for _ in 0..<count {
                                    let n = try varint()
                                    guard n <= p.count - i else { throw Malformed() }
                                    i += n
                                }
                            }
                            continue
                        }
                        seqs.removeAll(keepingCapacity: true)
                        var s = 0
                        for _ in 0..<count {
                            s += try varint()
                            seqs.append(s)
                        }
                        contacts.removeAll(keepingCapacity: true)
                        if isLink, key != nil {
                            for _ in 0..<count {
                                let n = try varint()
                                guard n <= p.count - i else { throw Malformed() }
                                contacts.append(String(decoding: UnsafeBufferPointer(rebasing: p[i..<(i + n)]), as: UTF8.self))
                                i += n
                            }
                        }
                        entry(kind, name, key, seqs, contacts)
                    }
                    guard i == section.upperBound else { throw Malformed() }
                }
            }
            pieceDone()
        }
    }

    /// What ``lookup(_:in:)`` finds: the sequence numbers under each wanted key, every field's
    /// first event, and the contacts of the wanted `link` entries' events.
    public struct Found: Sendable {
        public var seqs: [Key: [Int]]
        public var firstOfField: [String: Int]
        public var members: [Key: [String]]

        /// What the pieces of `self` and then those of `later` hold together (a lookup split
        /// over two runs of pieces, in order).
        public func followed(by later: Found) -> Found {
            Found(seqs: seqs.merging(later.seqs) { $0 + $1 },
                  firstOfField: firstOfField.merging(later.firstOfField) { min($0, $1) },
                  members: members.merging(later.members) { $0 + $1 })
        }
    }

    /// FNV-1a of an entry's kind and name, mixed so that its low bits pick a slot.
    private static func hash(_ kind: UInt8, _ name: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(kind)
        for b in name { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h ^ (h >> 29)
    }
}
