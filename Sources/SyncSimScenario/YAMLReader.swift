import SyncSimCore
import Yams

/// Reads YAML text into a ``SourceNode`` tree with the YAML 1.2 core schema:
/// only `true`/`false` (any case form the schema allows) are booleans, and `yes`,
/// `on` or unquoted dates stay strings. Duplicate keys are errors.
public enum YAMLReader {
    /// Parses one YAML document.
    public static func parse(_ text: String) throws(DecodeError) -> SourceNode {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text, .basic)
        } catch let error as YamlError {
            throw translate(error, text: text)
        } catch {
            throw DecodeError("cannot read YAML: \(error)", at: SourcePosition(line: 1, column: 1))
        }
        guard let root else { return SourceNode(.scalar(.null), at: SourcePosition(line: 1, column: 1)) }
        return try convert(root, depth: 0)
    }

    /// Deepest nesting accepted, the same as for JSON.
    static let maximumDepth = JSONReader.maximumDepth

    private static func position(_ mark: Mark?) -> SourcePosition {
        SourcePosition(line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    private static func convert(_ node: Node, depth: Int) throws(DecodeError) -> SourceNode {
        let at = position(node.mark)
        if depth > maximumDepth { throw DecodeError("nesting deeper than \(maximumDepth) levels", at: at) }
        switch node {
        case .scalar(let s):
            return try scalar(s, at: at)
        case .mapping(let m):
            var entries: [SourceNode.Entry] = []
            var seen: [String: SourcePosition] = [:]
            for (k, v) in m {
                let keyAt = position(k.mark)
                guard case .scalar(let ks) = k else {
                    throw DecodeError("expected a plain key, found a complex key", at: keyAt)
                }
                let key = ks.string
                if let first = seen[key] {
                    throw DecodeError("duplicate key '\(ValueDecoding.printable(key))' (first at line \(first.line), column \(first.column))", at: keyAt)
                }
                seen[key] = keyAt
                entries.append(.init(key: key, keyPosition: keyAt, value: try convert(v, depth: depth + 1)))
            }
            return SourceNode(.mapping(entries), at: at)
        case .sequence(let s):
            var items: [SourceNode] = []
            for item in s { items.append(try convert(item, depth: depth + 1)) }
            return SourceNode(.sequence(items), at: at)
        case .alias:
            throw DecodeError("YAML aliases are not supported", at: at)
        }
    }

    private static func scalar(_ s: Node.Scalar, at: SourcePosition) throws(DecodeError) -> SourceNode {
        let text = s.string
        let tag = s.tag.description
        if tag != "" && tag != "!" && tag != Tag.Name.str.rawValue {
            throw DecodeError("YAML tags such as '\(s.tag.description)' are not supported", at: at)
        }
        guard s.style == .plain, tag == "" else { return SourceNode(.scalar(.string(text)), at: at) }
        return SourceNode(.scalar(try resolveCore(text, at: at)), at: at, plainText: text)
    }

    /// Resolves an unquoted scalar with the YAML 1.2 core schema.
    static func resolveCore(_ t: String, at: SourcePosition) throws(DecodeError) -> Value {
        switch t {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
             ".nan", ".NaN", ".NAN":
            if t.lowercased().hasSuffix("nan") { return .number(.double(.nan)) }
            return .number(.double(t.hasPrefix("-") ? -.infinity : .infinity))
        default: break
        }
        let u = Array(t.utf8)
        func all(_ s: ArraySlice<UInt8>, _ ok: (UInt8) -> Bool) -> Bool { !s.isEmpty && s.allSatisfy(ok) }
        let digit: (UInt8) -> Bool = { $0 >= 0x30 && $0 <= 0x39 }
        // int: [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+
        var body = u[...]
        if let f = body.first, f == UInt8(ascii: "-") || f == UInt8(ascii: "+") { body = body.dropFirst() }
        if all(body, digit) {
            if let i = Int64(t.hasPrefix("+") ? String(t.dropFirst()) : t) { return .number(.int(i)) }
            // Integers are exact within 64 bits (format 5.0): a larger one is not read as a double.
            throw DecodeError("integer out of range: expected a whole number within the signed 64-bit range (-9223372036854775808 to 9223372036854775807)", at: at)
        }
        if u.count > 2, u[0] == UInt8(ascii: "0"), u[1] == UInt8(ascii: "o"),
           all(u[2...], { $0 >= 0x30 && $0 <= 0x37 }) {
            guard let i = Int64(String(t.dropFirst(2)), radix: 8) else { throw DecodeError("number out of range", at: at) }
            return .number(.int(i))
        }
        if u.count > 2, u[0] == UInt8(ascii: "0"), u[1] == UInt8(ascii: "x"),
           all(u[2...], { digit($0) || ($0 >= 0x41 && $0 <= 0x46) || ($0 >= 0x61 && $0 <= 0x66) }) {
            guard let i = Int64(String(t.dropFirst(2)), radix: 16) else { throw DecodeError("number out of range", at: at) }
            return .number(.int(i))
        }
        // float: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
        if isCoreFloat(body), let d = Double(t.hasPrefix("+") ? String(t.dropFirst()) : t) {
            return .number(.double(d))
        }
        return .string(t)
    }

    private static func isCoreFloat(_ s: ArraySlice<UInt8>) -> Bool {
        var i = s.startIndex
        let end = s.endIndex
        func digits() -> Int {
            var n = 0
            while i < end, s[i] >= 0x30, s[i] <= 0x39 { i += 1; n += 1 }
            return n
        }
        let intDigits = digits()
        var fracDigits = 0
        if i < end, s[i] == UInt8(ascii: ".") {
            i += 1
            fracDigits = digits()
            if intDigits == 0 && fracDigits == 0 { return false }
        } else if intDigits == 0 {
            return false
        }
        if i < end, s[i] == UInt8(ascii: "e") || s[i] == UInt8(ascii: "E") {
            i += 1
            if i < end, s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") { i += 1 }
            if digits() == 0 { return false }
        }
        return i == end
    }

    private static func translate(_ error: YamlError, text: String) -> DecodeError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
             .composer(_, let problem, let mark, _):
            return DecodeError("invalid YAML: \(problem)", at: position(mark))
        case .reader(let problem, let offset, _, _):
            return DecodeError("cannot read the file as UTF-8 text: \(problem)", at: lineColumn(ofCharacter: offset ?? 0, in: text))
        case .duplicatedKeysInMapping(let keys, let context):
            let key = keys.first ?? ""
            let first = position(context.mark)
            let second = repeatedKey(key, after: first, in: text) ?? first
            return DecodeError("duplicate key '\(ValueDecoding.printable(key))' (first at line \(first.line), column \(first.column))", at: second)
        default:
            return DecodeError("invalid YAML: \(error)", at: SourcePosition(line: 1, column: 1))
        }
    }

    /// Where `key` is written again after its first place: on the same line (flow
    /// mappings) or at the same column of a later line (block mappings).
    private static func repeatedKey(_ key: String, after first: SourcePosition, in text: String) -> SourcePosition? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard first.line - 1 < lines.count else { return nil }
        func keyAt(_ line: Substring, _ col: Int) -> Bool {
            let scalars = Array(line.unicodeScalars)
            guard col - 1 < scalars.count else { return false }
            var rest = String(String.UnicodeScalarView(scalars[(col - 1)...]))
            if rest.hasPrefix("\"") || rest.hasPrefix("'") { rest.removeFirst() }
            guard rest.hasPrefix(key) else { return false }
            let after = rest.dropFirst(key.count).drop { $0 == " " || $0 == "\"" || $0 == "'" }
            return after.hasPrefix(":")
        }
        let firstLine = lines[first.line - 1]
        let count = firstLine.unicodeScalars.count
        if first.column + 1 <= count {
            for col in (first.column + 1)...count where keyAt(firstLine, col) {
                let prev = Array(firstLine.unicodeScalars)[col - 2]
                if prev == " " || prev == "," || prev == "{" { return SourcePosition(line: first.line, column: col) }
            }
        }
        for n in first.line..<lines.count where keyAt(lines[n], first.column) {
            return SourcePosition(line: n + 1, column: first.column)
        }
        return nil
    }

    private static func lineColumn(ofCharacter offset: Int, in text: String) -> SourcePosition {
        var line = 1
        var column = 1
        for (i, ch) in text.enumerated() {
            if i >= offset { break }
            if ch == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return SourcePosition(line: line, column: column)
    }
}
