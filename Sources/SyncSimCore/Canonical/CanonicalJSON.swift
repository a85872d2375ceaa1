import Crypto

/// Writes JSON in the canonical form: sorted keys, no whitespace, integers
/// without a fraction, and the shortest round-trip form for other numbers.
///
/// The same tree always gives the same bytes, on any machine, in any process.
public enum CanonicalJSON {
    /// The canonical text of `json`.
    public static func string(for json: JSON) -> String {
        String(decoding: bytes(for: json), as: UTF8.self)
    }

    /// The canonical text of `json` as UTF-8 bytes.
    public static func bytes(for json: JSON) -> [UInt8] {
        var w = JSONWriter()
        w.write(json)
        return w.bytes
    }

    /// Appends the canonical text of `json` to `out`.
    public static func write(_ json: JSON, to out: inout String) {
        out += string(for: json)
    }

    /// `sha256:` followed by the lowercase hex SHA-256 of the canonical text.
    public static func digest(of json: JSON) -> String {
        digest(ofBytes: bytes(for: json))
    }

    /// `sha256:` followed by the lowercase hex SHA-256 of `bytes`.
    public static func digest(ofBytes bytes: [UInt8]) -> String {
        "sha256:" + hex(SHA256.hash(data: bytes))
    }

    /// Lowercase hexadecimal of a byte sequence.
    public static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Orders strings by their UTF-8 bytes, the same on every platform.
    public static func utf8Less(_ a: String, _ b: String) -> Bool {
        // Native strings are compared in place, byte by byte; others through their views.
        let fast = a.utf8.withContiguousStorageIfAvailable { pa in
            b.utf8.withContiguousStorageIfAvailable { pb -> Bool in
                let n = min(pa.count, pb.count)
                var i = 0
                while i < n {
                    if pa[i] != pb[i] { return pa[i] < pb[i] }
                    i += 1
                }
                return pa.count < pb.count
            }
        }
        return (fast ?? nil) ?? a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// `keys` in UTF-8 byte order. When every key is ASCII (ids and field names always are),
    /// the standard library's fast comparison gives that order; otherwise bytes are compared.
    public static func sorted<C: Collection>(_ keys: C) -> [String] where C.Element == String {
        if keys.allSatisfy({ $0.utf8.allSatisfy { $0 < 0x80 } }) { return keys.sorted() }
        return keys.sorted(by: utf8Less)
    }

    /// `items` in the UTF-8 byte order of their `key`s (see ``sorted(_:)``).
    static func sorted<T>(_ items: [T], by key: (T) -> String) -> [T] {
        if items.allSatisfy({ key($0).utf8.allSatisfy { $0 < 0x80 } }) { return items.sorted { key($0) < key($1) } }
        return items.sorted { utf8Less(key($0), key($1)) }
    }

    /// Two lists sorted by `less`, each without repeats, as one sorted list, each item once.
    static func union<T>(_ x: [T], _ y: [T], by less: (T, T) -> Bool) -> [T] {
        var out: [T] = []
        out.reserveCapacity(max(x.count, y.count))
        merge(x, y, by: less) { a, b in out.append(a ?? b!) }
        return out
    }

    /// Walks two lists sorted by `less`, each without repeats, in that order: `visit` sees each
    /// item of either list once, beside its equal in the other list if there is one (nil if not).
    @inline(__always)
    static func merge<T>(_ x: [T], _ y: [T], by less: (T, T) -> Bool, _ visit: (T?, T?) -> Void) {
        var (i, j) = (0, 0)
        while i < x.count || j < y.count {
            if j == y.count || (i < x.count && less(x[i], y[j])) {
                visit(x[i], nil)
                i += 1
            } else if i == x.count || less(y[j], x[i]) {
                visit(nil, y[j])
                j += 1
            } else {
                visit(x[i], y[j])
                (i, j) = (i + 1, j + 1)
            }
        }
    }

    /// The canonical text of a number: integers plainly, others in shortest round-trip form.
    public static func numberText(_ n: Number) -> String {
        switch n {
        case .int(let i):
            return String(i)
        case .double(let d):
            // Integral doubles within 2^53 print as integers, so `1.0` and `1` are one value.
            if d == d.rounded(), abs(d) < 9_007_199_254_740_992 { return String(Int64(d)) }
            return "\(d)"
        }
    }
}

/// Appends canonical JSON to a byte buffer; the building block of every JSON output.
public struct JSONWriter {
    public var bytes: [UInt8] = []

    public init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    /// Appends a whole tree, objects with keys sorted by UTF-8 bytes.
    public mutating func write(_ json: JSON) {
        switch json {
        case .null: raw("null")
        case .bool(let b): raw(b ? "true" : "false")
        case .number(let n): number(n)
        case .string(let s): string(s)
        case .array(let items):
            bytes.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                write(item)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            for (i, key) in CanonicalJSON.sorted(members.keys).enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                string(key)
                bytes.append(UInt8(ascii: ":"))
                write(members[key]!)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Appends an object whose members are `items`, given in key order (by UTF-8 bytes), each
    /// value made as it is written; `pass` is called to take what is written whenever `piece`
    /// bytes or more wait, so that a large object is handed on in pieces, never held whole.
    public mutating func members<T>(_ items: [T], key: (T) -> String, value: (T) -> JSON,
                                    piece: Int = 1 << 16, pass: (inout JSONWriter) -> Void) {
        members(items, key: key, write: { item, w in w.write(value(item)) }, piece: piece, pass: pass)
    }

    /// ``members(_:key:value:piece:pass:)`` with each value written by `write` rather than made
    /// as a tree first.
    public mutating func members<T>(_ items: [T], key: (T) -> String, write: (T, inout JSONWriter) -> Void,
                                    piece: Int = 1 << 16, pass: (inout JSONWriter) -> Void) {
        bytes.append(UInt8(ascii: "{"))
        for (i, item) in items.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            string(key(item))
            bytes.append(UInt8(ascii: ":"))
            write(item, &self)
            if bytes.count >= piece { pass(&self) }
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// Appends a field value.
    public mutating func value(_ v: Value) {
        switch v {
        case .null: raw("null")
        case .bool(let b): raw(b ? "true" : "false")
        case .number(let n): number(n)
        case .string(let s): string(s)
        }
    }

    /// Appends ASCII text as is.
    public mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends a byte.
    public mutating func byte(_ b: UInt8) { bytes.append(b) }

    /// Appends `"key":`.
    public mutating func key(_ k: StaticString) {
        bytes.append(UInt8(ascii: "\""))
        raw(k)
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    /// Appends a number in canonical form.
    public mutating func number(_ n: Number) {
        if case .int(let i) = n {
            integer(i)
        } else {
            bytes.append(contentsOf: CanonicalJSON.numberText(n).utf8)
        }
    }

    /// Appends an integer.
    public mutating func integer(_ i: Int64) {
        if i >= 0 && i < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(i))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = i.magnitude
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buf in
            repeat {
                buf[19 - count] = UInt8(ascii: "0") + UInt8(n % 10)
                n /= 10
                count += 1
            } while n > 0
            if i < 0 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(contentsOf: buf[(20 - count)...])
        }
    }

    /// Appends a string literal; control characters, C1 controls and U+2028/2029 are escaped.
    public mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        // A native string's bytes are scanned and copied in place; others through their view.
        let plain = s.utf8.withContiguousStorageIfAvailable { utf8 in
            guard !Self.needsEscape(utf8) else { return false }
            bytes.append(contentsOf: utf8)
            return true
        } ?? {
            guard !Self.needsEscape(s.utf8) else { return false }
            bytes.append(contentsOf: s.utf8)
            return true
        }()
        if !plain {
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": raw("\\\"")
                case "\\": raw("\\\\")
                case "\n": raw("\\n")
                case "\r": raw("\\r")
                case "\t": raw("\\t")
                default:
                    let v = scalar.value
                    if v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || v == 0x2028 || v == 0x2029 {
                        let h = Array(String(v, radix: 16).utf8)
                        raw("\\u")
                        for _ in h.count..<4 { bytes.append(UInt8(ascii: "0")) }
                        bytes.append(contentsOf: h)
                    } else {
                        bytes.append(contentsOf: String(scalar).utf8)
                    }
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Whether UTF-8 text holds a character that ``string(_:)`` escapes: a control character,
    /// `"`, `\`, DEL, a C1 control (C2 80-9F) or U+2028/2029 (E2 80 A8/A9).
    @inline(__always)
    static func needsEscape<C: Collection<UInt8>>(_ utf8: C) -> Bool {
        var previous: UInt8 = 0
        var beforePrevious: UInt8 = 0
        for b in utf8 {
            if b < 0x20 || b == 0x22 || b == 0x5C || b == 0x7F
                || (previous == 0xC2 && b >= 0x80 && b <= 0x9F)
                || (beforePrevious == 0xE2 && previous == 0x80 && (b == 0xA8 || b == 0xA9)) {
                return true
            }
            beforePrevious = previous
            previous = b
        }
        return false
    }
}
