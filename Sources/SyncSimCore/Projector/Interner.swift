import CPrefetch

/// Names interned to dense integer ids in the order they are first seen.
///
/// The projector keeps accounts, contacts and field names as ids so that its hot paths index
/// arrays instead of hashing strings. Ids follow the order of the log's events, so the same
/// log always gives the same ids, and a projector restored from a snapshot gets the ids the
/// full replay gave.
///
/// Its table is open addressing over a fixed hash of the name's bytes (see ``key(_:)``), not a
/// Swift dictionary: per-process seeded hashing was the largest cost of replays and checkpoint loads.
/// Names are compared as Swift strings (canonical equivalence), like the validator's and the
/// outputs' maps of ids, so that every part of SyncSim agrees on which ids are the same.
struct Interner: Sendable {
    private(set) var names: [String] = []
    /// Each name's ``Key/hash`` by id, while ``keepHashes(_:)`` asks for them.
    private var hashes: [UInt64]?
    /// Two words per hash slot. The first: 0 if empty, else the id + 1 in the low 32 bits and the
    /// hash's high 32 bits above, so a probe reads one word and compares names only when the
    /// hashes agree. The second: the name itself when it is ASCII of at most 7 bytes (its bytes,
    /// and its length in the top byte), else 0. Short names, like most ids, are then compared
    /// within the slot's cache line, without reading ``names``. The slot count is a power of
    /// two, at least twice the names.
    private var slots: [UInt64] = []

    var count: Int { names.count }
    private var slotCount: Int { slots.count / 2 }

    init() {}

    /// A table of `names` in order; nil if a name repeats.
    init?(unique names: [String]) {
        self.names = names
        guard rebuild(size: Self.size(for: names.count), rejectingRepeats: true) else { return nil }
    }

    /// The id of `name`, assigning the next one if it is new.
    mutating func id(_ name: String) -> Int32 { id(name, key: Self.key(name)) }

    /// ``id(_:)`` of a name whose ``key(_:)`` was worked out before.
    mutating func id(_ name: String, key k: Key) -> Int32 {
        if slotCount < 2 * (names.count + 1) { reserve(names.count + 1) }
        let (slot, found) = find(name, k)
        if let found { return found }
        let i = Int32(names.count)
        names.append(name)
        hashes?.append(k.hash)
        slots[2 * slot] = Self.entry(i, k.hash)
        slots[2 * slot + 1] = k.inline
        return i
    }

    /// The id of `name`, nil if it was never interned.
    func lookup(_ name: String) -> Int32? { lookup(name, key: Self.key(name)) }

    /// ``lookup(_:)`` of a name whose ``key(_:)`` was worked out before.
    func lookup(_ name: String, key: Key) -> Int32? {
        guard !slots.isEmpty else { return nil }
        return find(name, key).id
    }

    subscript(id: Int32) -> String { names[Int(id)] }

    /// The ``Key/hash`` of the name of `id`: two names have the same one when they are equal
    /// strings (and almost never otherwise), in projectors of different logs too. Kept beside
    /// each name while ``keepHashes(_:)`` asks, worked out again otherwise.
    func hash(_ id: Int32) -> UInt64 { hashes?[Int(id)] ?? Self.key(names[Int(id)]).hash }

    /// Keeps each name's hash from now on (a fingerprinting projector asks for them at every
    /// change), or drops them.
    mutating func keepHashes(_ on: Bool) {
        hashes = on ? names.map { Self.key($0).hash } : nil
    }

    /// Asks for the cache line of the slot where a lookup of `k` starts: in a table of hundreds
    /// of thousands of names, a lookup waits mostly for that line to come from memory.
    func prefetch(_ k: Key) {
        guard !slots.isEmpty else { return }
        let i = Int(truncatingIfNeeded: k.hash) & (slotCount - 1)
        slots.withUnsafeBufferPointer { syncsim_prefetch($0.baseAddress! + 2 * i) }
    }

    /// The id a lookup of `k` most likely gives, found by the hash (and a short name's inline
    /// word) alone, without comparing longer names: for prefetching only, never for an answer.
    func likelyID(_ k: Key) -> Int32? {
        guard !slots.isEmpty else { return nil }
        return probe(k) { slot, _ in k.inline == 0 || slots[2 * slot + 1] == k.inline }.id
    }

    /// A few names looked up lately, by their `String`'s two raw words, with their ids: three words
    /// per slot (the raw words, then the id + 1; 0: empty). Empty until ``cachedLookup(_:)`` is used.
    private var recent: [UInt64] = []
    private static let recentSlots = 64

    /// ``lookup(_:)`` for a table of few names looked up very often (the field names of every
    /// event): a name met lately is found by its raw representation, without hashing its bytes.
    /// Only names whose representation is their content, or a text that is never freed, are kept:
    /// a small string (up to 15 UTF-8 bytes, held in the two words themselves) or a literal, both
    /// marked immortal (the top bit of the second word). Two such strings with the same words are
    /// the same string; a heap string's words hold an address that a freed string's successor may
    /// reuse, so it is always looked up.
    mutating func cachedLookup(_ name: String) -> Int32? {
        let (count, object) = unsafeBitCast(name, to: (UInt64, UInt64).self)
        guard object >> 63 == 1 else { return lookup(name) }
        if recent.isEmpty { recent = Array(repeating: 0, count: 3 * Self.recentSlots) }
        var h = (count ^ object) &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 32
        let slot = 3 * Int(truncatingIfNeeded: h & UInt64(Self.recentSlots - 1))
        if recent[slot + 2] != 0, recent[slot] == count, recent[slot + 1] == object {
            return Int32(truncatingIfNeeded: recent[slot + 2] - 1)
        }
        guard let id = lookup(name) else { return nil }
        recent[slot] = count
        recent[slot + 1] = object
        recent[slot + 2] = UInt64(id) + 1
        return id
    }

    private static func entry(_ id: Int32, _ h: UInt64) -> UInt64 { (h & 0xFFFF_FFFF_0000_0000) | UInt64(UInt32(id) + 1) }

    private func find(_ name: String, _ k: Key) -> (slot: Int, id: Int32?) {
        // A short ASCII name is its inline word; only a longer one can equal a longer one.
        probe(k) { slot, id in k.inline != 0 ? slots[2 * slot + 1] == k.inline : names[Int(id)] == name }
    }

    /// Walks the slots from `k`'s: the first whose hash agrees with `k`'s and that `matches`, or
    /// the empty slot where `k` would go.
    @inline(__always)
    private func probe(_ k: Key, _ matches: (_ slot: Int, _ id: Int32) -> Bool) -> (slot: Int, id: Int32?) {
        let mask = slotCount - 1
        let tag = k.hash & 0xFFFF_FFFF_0000_0000
        var i = Int(truncatingIfNeeded: k.hash) & mask
        while true {
            let e = slots[2 * i]
            if e == 0 { return (i, nil) }
            if e & 0xFFFF_FFFF_0000_0000 == tag {
                let id = Int32(truncatingIfNeeded: e & 0xFFFF_FFFF) - 1
                if matches(i, id) { return (i, id) }
            }
            i = (i + 1) & mask
        }
    }

    /// Makes room for `n` names without growing the table.
    mutating func reserve(_ n: Int) {
        let size = Self.size(for: n)
        guard size > slotCount else { return }
        names.reserveCapacity(n)
        // Hashes are worked out again here rather than kept: the table grows only log(n) times.
        _ = rebuild(size: size, rejectingRepeats: false)
    }

    /// The slot count for `n` names: a power of two, at least twice `n`.
    private static func size(for n: Int) -> Int {
        var size = 16
        while size < 2 * n { size *= 2 }
        return size
    }

    /// Refills a table of `size` slots with ``names``; false if `rejectingRepeats` and a name
    /// repeats. All keys first, then a loop of independent probes, whose cache misses overlap.
    private mutating func rebuild(size: Int, rejectingRepeats: Bool) -> Bool {
        slots = Array(repeating: 0, count: 2 * size)
        let mask = size - 1
        let keys = names.map(Self.key)
        // The slot of a key a little further on is asked for while this one goes in.
        let ahead = 16
        for (id, k) in keys.enumerated() {
            if id + ahead < keys.count { prefetch(keys[id + ahead]) }
            let tag = k.hash & 0xFFFF_FFFF_0000_0000
            var i = Int(truncatingIfNeeded: k.hash) & mask
            while slots[2 * i] != 0 {
                if rejectingRepeats, slots[2 * i] & 0xFFFF_FFFF_0000_0000 == tag,
                   names[Int(slots[2 * i] & 0xFFFF_FFFF) - 1] == names[id] { return false }
                i = (i + 1) & mask
            }
            slots[2 * i] = Self.entry(Int32(id), k.hash)
            slots[2 * i + 1] = k.inline
        }
        return true
    }

    /// A name's hash and inline word.
    struct Key: Equatable {
        var hash: UInt64
        /// The bytes of an ASCII name of at most 7 bytes with its length in the top byte; 0 for others.
        var inline: UInt64
    }

    /// A hash that agrees with `String` equality (canonical equivalence, as every other map of
    /// ids in SyncSim compares them): a fixed hash of the bytes of an ASCII name (``asciiKey(_:)``);
    /// Swift's own hash for any other name. And the inline word of a short name. A name whose only non-ASCII
    /// characters are signs canonically equal to an ASCII character is another spelling of an
    /// ASCII name, and is hashed as that name.
    static func key(_ name: String) -> Key {
        // Read in place (`withCString` needs no mutable copy of the string, as `withUTF8` does).
        let n = name.utf8.count
        if let key = name.withCString({ asciiKey(UnsafeBufferPointer(start: UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self), count: n)) }) {
            return key
        }
        if var ascii = asciiSpelling(name), let key = ascii.withUTF8(asciiKey) { return key }
        var h = UInt64(bitPattern: Int64(name.hashValue))
        mix(&h)
        return Key(hash: h, inline: 0)
    }

    /// The characters whose canonical decomposition is a single ASCII character.
    private static let asciiSigns: [Unicode.Scalar: Unicode.Scalar] = ["\u{212A}": "K", "\u{037E}": ";", "\u{1FEF}": "`"]

    /// `name` in ASCII if its non-ASCII characters are all ``asciiSigns``, else nil.
    private static func asciiSpelling(_ name: String) -> String? {
        var out = String.UnicodeScalarView()
        for u in name.unicodeScalars {
            if u.isASCII { out.append(u) } else if let a = asciiSigns[u] { out.append(a) } else { return nil }
        }
        return String(out)
    }

    private static func mix(_ h: inout UInt64) {
        h ^= h >> 33
        h &*= 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        h &*= 0xc4ce_b9fe_1a85_ec53
        h ^= h >> 33
    }

    /// The key of ASCII bytes; nil for bytes that are not all ASCII. The bytes are taken eight
    /// at a time; the last, partial word is zero-padded, and the length is mixed in, so no two
    /// names share words.
    private static func asciiKey(_ bytes: UnsafeBufferPointer<UInt8>) -> Key? {
        let n = bytes.count
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(n)
        var high: UInt64 = 0
        var i = 0
        let raw = UnsafeRawBufferPointer(bytes)
        while i + 8 <= n {
            let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            high |= w
            h = (h ^ w) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 29
            i += 8
        }
        var last: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            last |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        high |= last
        guard high & 0x8080_8080_8080_8080 == 0 else { return nil }
        h = (h ^ last) &* 0x9E37_79B9_7F4A_7C15
        mix(&h)
        // A name of 1 to 7 bytes is all in `last`.
        let short = n > 0 && n <= 7
        return Key(hash: h, inline: short ? last | UInt64(n) << 56 : 0)
    }
}

/// A map from ids to small integers, for a cycle's plans by account: open addressing with a
/// multiplicative hash (Swift's dictionary hashes each id with a seeded SipHash). It holds at
/// most the `capacity` it was made for, and does not grow.
struct IDIndex {
    /// By slot: the id's bits in the high 32 bits and the value + 1 in the low ones, 0 if empty.
    private var slots: [UInt64]
    private var count = 0

    init(capacity: Int) {
        var size = 16
        while size < 2 * capacity { size *= 2 }
        slots = Array(repeating: 0, count: size)
    }

    /// The value of `id`, or `make()` stored as its value if it has none.
    mutating func value(of id: Int32, orAdd make: () -> Int) -> Int {
        let mask = slots.count - 1
        let key = UInt64(UInt32(bitPattern: id))
        var i = Int(truncatingIfNeeded: ((key + 1) &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
        while slots[i] != 0 {
            if slots[i] >> 32 == key { return Int(slots[i] & 0xFFFF_FFFF) - 1 }
            i = (i + 1) & mask
        }
        precondition(count < slots.count / 2, "IDIndex holds at most the capacity it was made for")
        let v = make()
        precondition(v >= 0 && v < Int(UInt32.max), "IDIndex values are small integers")
        slots[i] = key << 32 | UInt64(v + 1)
        count += 1
        return v
    }
}

/// The fields of one account, few in number: a small vector sorted by field id, searched
/// linearly (faster than hashing for the handful of fields an account has). Sorted, it has one
/// form for one content, whatever order the fields were set in.
struct FieldValues: Sendable, Equatable {
    struct Entry: Sendable, Equatable {
        var field: Int32
        var value: Value
    }
    private(set) var entries: [Entry] = []

    var isEmpty: Bool { entries.isEmpty }

    init() {}

    /// Values already in increasing field order, none of them `null`.
    init(sorted entries: [Entry]) {
        self.entries = entries
    }

    func value(_ field: Int32) -> Value? {
        for e in entries {
            if e.field == field { return e.value }
            if e.field > field { break }
        }
        return nil
    }

    /// Sets a field (`null` removes it) and returns the value it had (`null` if none).
    @discardableResult
    mutating func set(_ field: Int32, _ value: Value) -> Value {
        change(field, value) ?? value
    }

    /// Sets a field (`null` removes it) and returns the value it had (`null` if none), or nil
    /// if it already had `value`: most writes of a cycle leave the value as it was, and then
    /// nothing is written or copied.
    mutating func change(_ field: Int32, _ value: Value) -> Value? {
        var i = 0
        while i < entries.count && entries[i].field < field { i += 1 }
        if i < entries.count && entries[i].field == field {
            guard ActivityRule.changes(from: entries[i].value, to: value) else { return nil }
            let old = entries[i].value
            if value.isNull {
                entries.remove(at: i)
            } else {
                entries[i].value = value
            }
            return old
        }
        guard ActivityRule.changes(from: .null, to: value) else { return nil }  // no value before
        entries.insert(Entry(field: field, value: value), at: i)
        return .null
    }

    /// The fields by name.
    func named(_ names: Interner) -> [String: Value] {
        var out: [String: Value] = [:]
        out.reserveCapacity(entries.count)
        for e in entries { out[names[e.field]] = e.value }
        return out
    }
}
