/// A fast path for the common case of one event per line in plain JSON (no string
/// escapes, integer numbers, no `sync.configure`): it decodes straight from the bytes,
/// without building a ``SourceNode`` tree.
///
/// It accepts only what ``EventDecoder`` accepts and gives the same event (a property
/// test holds them equal); on anything else it returns nil and the caller takes the
/// general path, which also produces the precise error.
public enum FastEventDecoder {
    public static func decode(_ bytes: ArraySlice<UInt8>) -> Event? {
        bytes.withUnsafeBufferPointer(decode)
    }

    /// ``decode(_:)`` of bytes lent for the call.
    public static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> Event? {
        var p = Cursor(bytes: bytes, i: 0)
        return p.event()
    }

    /// The event, and whether `bytes` already are its canonical JSON (``Event/canonicalBytes``),
    /// as streams that SyncSim wrote are: then an import stores the line as it is instead of
    /// writing it again. The answer errs only towards "no" (a property test holds a "yes" to the
    /// canonical bytes).
    ///
    /// `noticing` is told each account and contact id as soon as it is read (`true`: a contact),
    /// before the rest of the line: a caller that looks them up next can ask for them meanwhile.
    public static func decodeNoticingCanonical(_ bytes: ArraySlice<UInt8>,
                                               noticing: (_ id: String, _ isContact: Bool) -> Void = { _, _ in }) -> (event: Event, isCanonical: Bool)? {
        bytes.withUnsafeBufferPointer { bytes in
            var p = Cursor(bytes: bytes, i: 0)
            guard let e = p.event(noticing: noticing) else { return nil }
            return (e, p.canonical)
        }
    }

    /// The keys of an event as bits, in canonical order (by their UTF-8 bytes): a key that
    /// comes after one with a higher bit is out of order.
    private enum Key {
        static let account = 1, at = 2, contact = 4, fields = 8, note = 16, type = 32
    }

    /// The event types of the fast path (every one but `sync.configure`), in the order their
    /// names are tried (the most frequent in a day's stream first).
    private static let fastTypes: [EventType] = [
        .accountUpdate, .marketoAccountEdit, .contactCreate, .contactMove, .accountCreate, .accountDelete, .marketoAccountCreate,
    ]

    /// By ``EventType`` raw value: the keys an event of the type may have, as ``Key`` bits.
    private static let allowedKeys: [Int] = EventType.allCases.map { type in
        (["at", "type", "note"] + type.keys.required + type.keys.optional).reduce(0) { bits, key in
            switch key {
            case "account": return bits | Key.account
            case "at": return bits | Key.at
            case "contact": return bits | Key.contact
            case "fields": return bits | Key.fields
            case "note": return bits | Key.note
            case "type": return bits | Key.type
            default: return bits | 1 << 30  // a key the fast path does not read: never allowed
            }
        }
    }

    /// Reads one line's bytes, lent to it for the length of a decode (read through a buffer:
    /// an array slice's bounds checks would weigh on every byte).
    private struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var i: Int
        /// False once anything was read that canonical JSON writes differently: white space,
        /// keys out of order, `-0`, a string the writer would escape (or non-ASCII, not checked
        /// further), an `account` of `null`, empty `fields` that canonical JSON leaves out.
        var canonical = true

        init(bytes: UnsafeBufferPointer<UInt8>, i: Int) {
            self.bytes = bytes
            self.i = i
        }

        mutating func ws() {
            let from = i
            while i < bytes.endIndex, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0D || bytes[i] == 0x0A { i += 1 }
            if i != from { canonical = false }
        }

        mutating func expect(_ b: UInt8) -> Bool {
            ws()
            guard i < bytes.endIndex, bytes[i] == b else { return false }
            i += 1
            return true
        }

        /// The bytes of a string without escapes or control characters (between its quotes), and
        /// whether they are ASCII; not yet checked as UTF-8.
        mutating func rawString() -> (bytes: Range<Int>, ascii: Bool)? {
            ws()
            guard i < bytes.endIndex, bytes[i] == UInt8(ascii: "\"") else { return nil }
            let start = i + 1
            var j = start
            var ascii = true
            while j < bytes.endIndex {
                let b = bytes[j]
                if b == UInt8(ascii: "\"") { break }
                if b == UInt8(ascii: "\\") { return nil }
                // One test for the rare bytes: controls, DEL and non-ASCII.
                if b &- 0x20 >= 0x5F {
                    if b < 0x20 { return nil }
                    if b == 0x7F { canonical = false } else { ascii = false }
                }
                j += 1
            }
            guard j < bytes.endIndex else { return nil }
            if !ascii { canonical = false }
            i = j + 1
            return (start..<j, ascii)
        }

        /// The bytes in `range`.
        func text(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: bytes[range]) }

        /// The ASCII bytes in `range` as a string, copied into its storage (for the short strings
        /// of events, faster than `String(decoding:as:)`).
        func ascii(_ range: Range<Int>) -> String {
            String(unsafeUninitializedCapacity: range.count) { $0.initialize(fromContentsOf: text(range)) }
        }

        /// An account or contact id (``ValueDecoding/isValidID(_:)``), checked as bytes before it
        /// is made a string.
        mutating func id() -> String? {
            guard let (range, _) = rawString(), ValueDecoding.isValidID(utf8: text(range)) else { return nil }
            return ascii(range)
        }

        /// A string without escapes or control characters, valid UTF-8.
        mutating func string() -> String? {
            guard let (range, ascii) = rawString() else { return nil }
            // ASCII needs no validation; anything else is checked as UTF-8.
            return ascii ? self.ascii(range) : String(validating: text(range), as: UTF8.self)
        }

        /// The type the name in `range` names, if it is one of the fast path.
        func fastType(_ range: Range<Int>) -> EventType? {
            for type in FastEventDecoder.fastTypes where type.staticName.utf8CodeUnitCount == range.count {
                if matches(range, type.staticName) { return type }
            }
            return nil
        }

        /// Whether the bytes in `range` are `word`: keys and type names are matched as bytes,
        /// without making strings of them.
        @inline(__always)
        func matches(_ range: Range<Int>, _ word: StaticString) -> Bool {
            matches(range, UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount))
        }

        @inline(__always)
        func matches(_ range: Range<Int>, _ w: UnsafeBufferPointer<UInt8>) -> Bool {
            guard range.count == w.count else { return false }
            var k = 0
            for j in range {
                if bytes[j] != w[k] { return false }
                k += 1
            }
            return true
        }

        /// An integer that fits in 64 bits, in JSON syntax (no leading zeros, no fraction or exponent).
        mutating func integer() -> Int64? {
            ws()
            var j = i
            let negative = j < bytes.endIndex && bytes[j] == UInt8(ascii: "-")
            if negative { j += 1 }
            let digitsStart = j
            var v: Int64 = 0
            while j < bytes.endIndex, bytes[j] >= 0x30, bytes[j] <= 0x39 {
                let (m, o1) = v.multipliedReportingOverflow(by: 10)
                let d = Int64(bytes[j] - 0x30)
                let (r, o2) = negative ? m.subtractingReportingOverflow(d) : m.addingReportingOverflow(d)
                if o1 || o2 { return nil }
                v = r
                j += 1
            }
            guard j > digitsStart, !(bytes[digitsStart] == 0x30 && j - digitsStart > 1) else { return nil }
            if j < bytes.endIndex, bytes[j] == UInt8(ascii: ".") || bytes[j] == UInt8(ascii: "e") || bytes[j] == UInt8(ascii: "E") { return nil }
            if negative && v == 0 { canonical = false }
            i = j
            return v
        }

        mutating func literal(_ word: StaticString) -> Bool {
            guard i + word.utf8CodeUnitCount <= bytes.endIndex, matches(i..<i + word.utf8CodeUnitCount, word) else { return false }
            i += word.utf8CodeUnitCount
            return true
        }

        mutating func value() -> Value? {
            ws()
            guard i < bytes.endIndex else { return nil }
            switch bytes[i] {
            case UInt8(ascii: "\""): return string().map(Value.string)
            case UInt8(ascii: "t"): return literal("true") ? .bool(true) : nil
            case UInt8(ascii: "f"): return literal("false") ? .bool(false) : nil
            case UInt8(ascii: "n"): return literal("null") ? .null : nil
            default: return integer().map { .number(.int($0)) }
            }
        }

        mutating func fields() -> EventFields? {
            guard expect(UInt8(ascii: "{")) else { return nil }
            ws()
            if i < bytes.endIndex, bytes[i] == UInt8(ascii: "}") { i += 1; return EventFields() }
            var out: [EventFields.Element] = []
            out.reserveCapacity(4)  // most events name a few fields
            var previous: Range<Int>?
            var ordered = true
            while true {
                // A field name is checked as bytes, and then needs no UTF-8 validation.
                guard let (k, _) = rawString(), ValueDecoding.isValidFieldName(utf8: text(k)),
                      expect(UInt8(ascii: ":")), let v = value() else { return nil }
                if let previous, !less(previous, k) { ordered = false }
                previous = k
                out.append((key: ascii(k), value: v))
                ws()
                guard i < bytes.endIndex else { return nil }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "}") { i += 1; break }
                return nil
            }
            if ordered { return EventFields(sorted: out) }
            canonical = false
            // A name given twice is refused.
            return EventFields(unique: out)
        }

        /// Whether the bytes in `a` come before those in `b` (canonical key order).
        func less(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
            var (x, y) = (a.lowerBound, b.lowerBound)
            while x < a.upperBound && y < b.upperBound {
                if bytes[x] != bytes[y] { return bytes[x] < bytes[y] }
                x += 1
                y += 1
            }
            return x == a.upperBound && y < b.upperBound
        }

        mutating func event(noticing: (_ id: String, _ isContact: Bool) -> Void = { _, _ in }) -> Event? {
            guard expect(UInt8(ascii: "{")) else { return nil }
            var at: Int64?, type: EventType?, account: String?, contact: String?, note: String?
            var fields: EventFields?
            var accountIsNull = false
            var seen = 0
            while true {
                guard let (key, _) = rawString(), expect(UInt8(ascii: ":")) else { return nil }
                let bit: Int
                // The key by its length and first byte, then matched whole.
                switch (key.count, key.isEmpty ? 0 : bytes[key.lowerBound]) {
                case (2, UInt8(ascii: "a")) where matches(key, "at"):
                    bit = Key.at; guard let v = integer(), v >= 0, v <= SimTime.maximum else { return nil }; at = v
                case (4, UInt8(ascii: "t")) where matches(key, "type"):
                    bit = Key.type
                    guard let (name, _) = rawString(), let t = fastType(name) else { return nil }
                    type = t
                case (7, UInt8(ascii: "a")) where matches(key, "account"):
                    bit = Key.account
                    ws()
                    if literal("null") { accountIsNull = true } else {
                        guard let v = id() else { return nil }
                        noticing(v, false)
                        account = v
                    }
                case (7, UInt8(ascii: "c")) where matches(key, "contact"):
                    bit = Key.contact; guard let v = id() else { return nil }; noticing(v, true); contact = v
                case (6, UInt8(ascii: "f")) where matches(key, "fields"):
                    bit = Key.fields; fields = self.fields(); if fields == nil { return nil }
                case (4, UInt8(ascii: "n")) where matches(key, "note"):
                    bit = Key.note; note = string(); if note == nil { return nil }
                default:
                    return nil
                }
                if seen & bit != 0 { return nil }
                if seen >= bit { canonical = false }
                seen |= bit
                ws()
                guard i < bytes.endIndex else { return nil }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "}") { i += 1; break }
                return nil
            }
            ws()
            guard i == bytes.endIndex, let at, let type else { return nil }
            if accountIsNull && type != .contactCreate { return nil }
            if accountIsNull { canonical = false }
            // Which keys each type allows (``EventType/keys``); `null` account and empty `fields`
            // are left out of canonical JSON.
            guard seen & ~FastEventDecoder.allowedKeys[type.rawValue] == 0 else { return nil }
            let kind: Event.Kind
            switch type {
            case .accountCreate, .accountUpdate:
                guard let account, let fields else { return nil }
                kind = type == .accountCreate ? .accountCreate(account: account, fields: fields) : .accountUpdate(account: account, fields: fields)
            case .accountDelete:
                guard let account else { return nil }
                kind = .accountDelete(account: account)
            case .contactCreate:
                guard let contact else { return nil }
                if fields?.isEmpty == true { canonical = false }
                kind = .contactCreate(contact: contact, account: account, fields: fields ?? EventFields())
            case .contactMove:
                guard let contact, let account else { return nil }
                kind = .contactMove(contact: contact, account: account)
            case .marketoAccountEdit:
                guard let contact, let fields else { return nil }
                kind = .marketoAccountEdit(contact: contact, fields: fields)
            case .marketoAccountCreate:
                guard let account else { return nil }
                if fields?.isEmpty == true { canonical = false }
                kind = .marketoAccountCreate(account: account, fields: fields ?? EventFields())
            case .configure:
                return nil  // read by the general decoder
            }
            return Event(at: at, kind: kind, note: note)
        }
    }
}
