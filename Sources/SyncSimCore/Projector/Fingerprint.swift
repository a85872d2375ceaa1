/// An order-independent hash of the projector's observable state, updated with each change,
/// so two projectors folded in step can be compared in constant time: the sum of one word per
/// piece of state.
///
/// Names (of accounts, contacts and fields) enter as their ``Interner`` hashes, worked out once
/// per name when it is interned; they agree with string equality as the comparisons do, in the
/// projectors of different logs too. Values enter as their UTF-8 bytes, as ``Value`` compares
/// them. A name that is not ASCII hashes with Swift's per-process seed: compare fingerprints
/// only within one process.
struct Fingerprint: Sendable, Equatable {
    /// A name, as its ``Interner/hash(_:)``.
    typealias Name = UInt64

    /// One piece of state.
    enum Item {
        /// An account in Dynamics, and each of its field values there.
        case dynamics(Name, deleted: Bool)
        case dynamicsField(Name, Name, Value)
        case field(Name, Name, Value)
        case company(Name, deleted: Bool)
        case stale(Name)
        case queue(QueueState)
        case tally(Name, Tally)
        case contact(Name, Name?)
        case open(Name, Name, Tally)
        case closed(Name, Tally)
        case rejection(Seconds, String, String, String?, String?)
    }

    private(set) var sum: UInt64 = 0

    mutating func add(_ item: Item) { sum &+= item.hash }
    mutating func remove(_ item: Item) { sum &-= item.hash }
}

extension Fingerprint.Item {
    /// The item's word: its kind and its parts, mixed.
    var hash: UInt64 {
        var h = WordMixer()
        switch self {
        case let .dynamics(a, deleted): h.add(1, a, deleted ? 1 : 0)
        case let .dynamicsField(a, f, v): h.add(2, a, f); h.add(v)
        case let .field(a, f, v): h.add(3, a, f); h.add(v)
        case let .company(a, deleted): h.add(4, a, deleted ? 1 : 0)
        case let .stale(a): h.add(5, a)
        case let .queue(q): h.add(6, UInt64(bitPattern: Int64(q.records)), q.oldest.map { UInt64(bitPattern: $0) } ?? .max)
        case let .tally(a, t): h.add(7, a); h.add(t)
        case let .contact(c, a): h.add(8, c, a ?? 0); h.add(a == nil ? 0 : 1)
        case let .open(c, a, t): h.add(9, c, a); h.add(t)
        case let .closed(c, t): h.add(10, c); h.add(t)
        case let .rejection(at, type, reason, a, c):
            h.add(11, UInt64(bitPattern: at))
            for s in [type, reason, a, c] {
                // A missing name, then a present one's hash (agreeing with string equality).
                if let s { h.add(1, Interner.key(s).hash) } else { h.add(0) }
            }
        }
        return h.finish()
    }
}

/// Words mixed into one well-spread word: a fixed function (no seed), each word folded in by a
/// full-width multiplication, and a final avalanche, so that sums of many items' words do not
/// cancel by structure.
struct WordMixer {
    private var h: UInt64 = 0x243F_6A88_85A3_08D3

    @inline(__always)
    mutating func add(_ w: UInt64) {
        let m = (h ^ w).multipliedFullWidth(by: 0x9FB2_1C65_1E98_DF25)
        h = m.high ^ m.low ^ w
    }

    @inline(__always)
    mutating func add(_ w: UInt64, _ x: UInt64) {
        add(w)
        add(x)
    }

    @inline(__always)
    mutating func add(_ w: UInt64, _ x: UInt64, _ y: UInt64) {
        add(w)
        add(x)
        add(y)
    }

    mutating func add(_ t: Tally) {
        add(UInt64(bitPattern: Int64(t.total)))
        add(UInt64(bitPattern: Int64(t.dynamics)))
    }

    /// A value as ``Value``'s equality sees it: its kind and its content (a number as its exact
    /// integer or its double, a string as its UTF-8 bytes).
    mutating func add(_ v: Value) {
        switch v {
        case .null: add(0)
        case .bool(let b): add(1, b ? 1 : 0)
        case .number(let n):
            if let i = n.exactInteger { add(2, UInt64(bitPattern: Int64(i))) } else { add(3, n.doubleValue.bitPattern) }
        case .string(let s):
            add(4, UInt64(s.utf8.count))
            if s.utf8.withContiguousStorageIfAvailable({ addBytes($0) }) == nil { addBytes(Array(s.utf8)) }
        }
    }

    /// Bytes eight at a time, the last word zero-padded (the length was added before).
    private mutating func addBytes<C: RandomAccessCollection<UInt8>>(_ bytes: C) where C.Index == Int {
        var i = bytes.startIndex
        while i < bytes.endIndex {
            var w: UInt64 = 0
            var shift: UInt64 = 0
            let end = min(i + 8, bytes.endIndex)
            while i < end {
                w |= UInt64(bytes[i]) << shift
                shift += 8
                i += 1
            }
            add(w)
        }
    }

    func finish() -> UInt64 {
        var x = h
        x ^= x >> 33
        x &*= 0xff51_afd7_ed55_8ccd
        x ^= x >> 33
        x &*= 0xc4ce_b9fe_1a85_ec53
        x ^= x >> 33
        return x
    }
}
