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
    /// written as JSON, with keys and quotes, they would be much of the snapshot's time.)
    mutating func event(_ e: Event, _ json: inout JSONWriter) {
        byte(e.kind.type.snapshotTag)
        switch e.kind {
        case .accountCreate(let a, let f), .accountUpdate(let a, let f): string(a); eventFields(f)
        case .accountDelete(let a): string(a)
        case .contactCreate(let c, let a, let f): string(c); optionalString(a); eventFields(f)
        case .contactMove(let c, let a): string(c); string(a)
        case .marketoAccountEdit, .marketoAccountCreate, .configure:
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
