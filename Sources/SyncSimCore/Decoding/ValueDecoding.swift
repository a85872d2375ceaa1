/// Decoders for the format's basic values: times, ids, field names and field values.
public enum ValueDecoding {
    /// A time: a non-negative integer of seconds or a duration string such as `1h30m`.
    public static func time(_ node: SourceNode, what: String = "a time") throws(DecodeError) -> Seconds {
        if case .scalar(let v) = node.kind {
            switch v {
            case .number(let n):
                if let i = n.exactInteger, case .int = n, i >= 0, i <= SimTime.maximum { return i }
                throw DecodeError("expected \(what): a whole number of seconds from 0 to 10^12, or a duration like 90s, 5m, 1h30m, 2d", at: node.position)
            case .string(let s):
                if let t = SimTime.parse(s) { return t }
                throw DecodeError("expected \(what): a duration like 90s, 5m, 1h30m, 2d (parts d, h, m, s in that order, at most 10^12 seconds), found '\(s)'", at: node.position)
            default: break
            }
        }
        throw DecodeError("expected \(what): seconds or a duration like 5m, found \(node.shapeName)", at: node.position)
    }

    /// What a node holds, for an error message: a scalar as written (`'lots'`, `1.5`), or its shape.
    static func found(_ node: SourceNode) -> String {
        guard case .scalar(let v) = node.kind else { return node.shapeName }
        switch v {
        case .string(let s): return "'\(printable(s))'"
        case .number(let n): return node.plainText ?? "\(n.doubleValue)"
        default: return node.plainText ?? node.shapeName
        }
    }

    /// The text of a scalar written as a name: a string, or an unquoted YAML scalar as written.
    static func nameText(_ node: SourceNode) -> String? {
        guard case .scalar(let v) = node.kind else { return nil }
        if case .string(let s) = v { return s }
        if case .null = v { return nil }
        return node.plainText
    }

    /// Whether `s` is a valid account or contact id.
    public static func isValidID(_ s: String) -> Bool { isValidID(utf8: s.utf8) }

    /// Whether UTF-8 `bytes` are a valid account or contact id: 1 to 64 letters, digits, `_`,
    /// `.`, `:` or `-` (read as bytes by the fast decoder, before it makes a string of them).
    static func isValidID<C: Collection<UInt8>>(utf8 bytes: C) -> Bool {
        guard !bytes.isEmpty, bytes.count <= 64 else { return false }
        return bytes.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                || b == UInt8(ascii: "_") || b == UInt8(ascii: ".") || b == UInt8(ascii: ":") || b == UInt8(ascii: "-")
        }
    }

    /// Whether `s` is a valid field name.
    public static func isValidFieldName(_ s: String) -> Bool { isValidFieldName(utf8: s.utf8) }

    /// Whether UTF-8 `bytes` are a valid field name: 1 to 64 ASCII letters, digits or `_`, not
    /// starting with a digit.
    static func isValidFieldName<C: Collection<UInt8>>(utf8 bytes: C) -> Bool {
        guard let first = bytes.first, bytes.count <= 64 else { return false }
        func letter(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == UInt8(ascii: "_") }
        return letter(first) && bytes.dropFirst().allSatisfy { letter($0) || ($0 >= 0x30 && $0 <= 0x39) }
    }

    /// An account or contact id: 1 to 64 letters, digits, `_`, `.`, `:` or `-`.
    public static func id(_ node: SourceNode, what: String) throws(DecodeError) -> String {
        guard let s = nameText(node) else {
            throw DecodeError("expected \(what) id, found \(node.shapeName)", at: node.position)
        }
        guard isValidID(s) else {
            throw DecodeError("invalid \(what) id '\(Self.printable(s))': expected 1 to 64 letters, digits, '_', '.', ':' or '-'", at: node.position)
        }
        return s
    }

    /// A field name: a letter or `_`, then letters, digits or `_`; at most 64.
    public static func fieldName(_ s: String, at position: SourcePosition) throws(DecodeError) -> String {
        guard isValidFieldName(s) else {
            throw DecodeError("invalid field name '\(Self.printable(s))': expected a letter or '_' then letters, digits or '_', at most 64", at: position)
        }
        return s
    }

    /// A list of field names.
    public static func fieldNameList(_ node: SourceNode, what: String) throws(DecodeError) -> [String] {
        guard case .sequence(let items) = node.kind else {
            throw DecodeError("expected \(what): a list of field names, found \(node.shapeName)", at: node.position)
        }
        var out: [String] = []
        for item in items {
            guard let s = nameText(item) else {
                throw DecodeError("expected a field name, found \(item.shapeName)", at: item.position)
            }
            let name = try fieldName(s, at: item.position)
            if !out.contains(name) { out.append(name) }
        }
        return out
    }

    /// A field value: a string, a finite number, a boolean, or null.
    public static func fieldValue(_ node: SourceNode) throws(DecodeError) -> Value {
        guard case .scalar(let v) = node.kind else {
            throw DecodeError("expected a field value (string, number, boolean or null), found \(node.shapeName)", at: node.position)
        }
        if case .number(let n) = v, !n.doubleValue.isFinite {
            throw DecodeError("expected a field value: a finite number (JSON has no infinity or NaN)", at: node.position)
        }
        return v
    }

    /// A mapping of field names to values.
    public static func fields(_ node: SourceNode) throws(DecodeError) -> [String: Value] {
        guard case .mapping(let entries) = node.kind else {
            throw DecodeError("expected fields: a mapping of field names to values, found \(node.shapeName)", at: node.position)
        }
        var out: [String: Value] = [:]
        for e in entries {
            let name = try fieldName(e.key, at: e.keyPosition)
            out[name] = try fieldValue(e.value)
        }
        return out
    }

    /// A free text such as a title or note.
    public static func text(_ node: SourceNode, what: String) throws(DecodeError) -> String {
        guard let s = nameText(node) else {
            throw DecodeError("expected \(what): text, found \(node.shapeName)", at: node.position)
        }
        return s
    }

    /// A non-negative whole number.
    public static func count(_ node: SourceNode, what: String) throws(DecodeError) -> Int64 {
        if case .scalar(.number(let n)) = node.kind, case .int(let i) = n, i >= 0 { return i }
        throw DecodeError("expected \(what): a whole number from 0, found \(node.shapeName)", at: node.position)
    }

    /// A boolean.
    public static func bool(_ node: SourceNode, what: String) throws(DecodeError) -> Bool {
        if case .scalar(.bool(let b)) = node.kind { return b }
        throw DecodeError("expected \(what): true or false, found \(node.shapeName)", at: node.position)
    }

    /// `s` with control characters shown as escapes, safe to print.
    public static func printable(_ s: String) -> String {
        // Most text has nothing to escape: it is returned as it is, without a copy.
        func escaped(_ u: Unicode.Scalar) -> Bool {
            u.value < 0x20 || u.value == 0x7F || (0x80...0x9F).contains(u.value) || u.value == 0x2028 || u.value == 0x2029
        }
        var bytes = s
        let ascii = bytes.withUTF8 { $0.allSatisfy { $0 >= 0x20 && $0 < 0x7F } }
        if ascii || !s.unicodeScalars.contains(where: escaped) { return s }
        var out = ""
        for u in s.unicodeScalars {
            if escaped(u) {
                out += "\\u{" + String(u.value, radix: 16) + "}"
            } else {
                out.unicodeScalars.append(u)
            }
        }
        return out
    }
}
