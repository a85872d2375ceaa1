import Crypto

/// Writes JSON in the canonical form: sorted keys, no whitespace, integers
/// without a fraction, and the shortest round-trip form for other numbers.
///
/// The same tree always gives the same bytes, on any machine, in any process.
public enum CanonicalJSON {
    /// The canonical text of `json`.
    public static func string(for json: JSON) -> String {
        var out = ""
        out.reserveCapacity(64)
        write(json, to: &out)
        return out
    }

    /// The canonical text of `json` as UTF-8 bytes.
    public static func bytes(for json: JSON) -> [UInt8] {
        Array(string(for: json).utf8)
    }

    /// `sha256:` followed by the lowercase hex SHA-256 of the canonical text.
    public static func digest(of json: JSON) -> String {
        "sha256:" + hex(SHA256.hash(data: bytes(for: json)))
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

    /// Appends the canonical text of `json` to `out`.
    public static func write(_ json: JSON, to out: inout String) {
        switch json {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += numberText(n)
        case .string(let s): writeString(s, to: &out)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                write(item, to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, key) in members.keys.sorted(by: utf8Less).enumerated() {
                if i > 0 { out += "," }
                writeString(key, to: &out)
                out += ":"
                write(members[key]!, to: &out)
            }
            out += "}"
        }
    }

    /// Orders strings by their UTF-8 bytes, the same on every platform.
    public static func utf8Less(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
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

    /// Appends `s` as a JSON string literal; control characters are escaped.
    public static func writeString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
                    || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    let h = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
