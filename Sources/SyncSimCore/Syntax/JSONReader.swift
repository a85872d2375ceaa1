/// Reads JSON text into a ``SourceNode`` tree that keeps line and column of every value.
///
/// Strict: duplicate keys, trailing text, invalid UTF-8 and nesting deeper than
/// ``maximumDepth`` are errors. Integers that fit in 64 bits stay exact.
public struct JSONReader {
    /// Deepest nesting accepted, so hostile input cannot exhaust the stack.
    public static let maximumDepth = 64

    private let bytes: ArraySlice<UInt8>
    private var index: Int
    private var line: Int
    private var column = 1
    private var depth = 0

    /// Parses exactly one JSON value from `bytes`; `line` is the line number of its first byte.
    public static func parse(_ bytes: [UInt8], line: Int = 1) throws(DecodeError) -> SourceNode {
        try parse(bytes[...], line: line)
    }

    /// Parses exactly one JSON value from a slice of bytes, without copying it.
    public static func parse(_ bytes: ArraySlice<UInt8>, line: Int = 1) throws(DecodeError) -> SourceNode {
        var reader = JSONReader(bytes: bytes, line: line)
        reader.skipWhitespace()
        let node = try reader.value()
        reader.skipWhitespace()
        if reader.index < bytes.endIndex {
            throw DecodeError("unexpected text after the JSON value", at: reader.position)
        }
        return node
    }

    /// Parses exactly one JSON value from `text`.
    public static func parse(_ text: String, line: Int = 1) throws(DecodeError) -> SourceNode {
        try parse(Array(text.utf8), line: line)
    }

    private init(bytes: ArraySlice<UInt8>, line: Int) {
        self.bytes = bytes
        self.index = bytes.startIndex
        self.line = line
    }

    private var position: SourcePosition { SourcePosition(line: line, column: column) }

    private var peek: UInt8? { index < bytes.endIndex ? bytes[index] : nil }

    private mutating func advance() {
        let b = bytes[index]
        index += 1
        if b == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if b & 0xC0 != 0x80 {
            column += 1
        }
    }

    private mutating func skipWhitespace() {
        while let b = peek, b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { advance() }
    }

    private mutating func value() throws(DecodeError) -> SourceNode {
        let start = position
        guard let b = peek else { throw DecodeError("expected a JSON value, found the end of the input", at: start) }
        switch b {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return SourceNode(.scalar(.string(try string())), at: start)
        case UInt8(ascii: "t"): try literal("true"); return SourceNode(.scalar(.bool(true)), at: start)
        case UInt8(ascii: "f"): try literal("false"); return SourceNode(.scalar(.bool(false)), at: start)
        case UInt8(ascii: "n"): try literal("null"); return SourceNode(.scalar(.null), at: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return SourceNode(.scalar(.number(try number())), at: start)
        default:
            throw DecodeError("expected a JSON value, found \(Self.describe(b))", at: start)
        }
    }

    private static func describe(_ b: UInt8) -> String {
        if b >= 0x21 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        return "byte 0x" + String(b, radix: 16)
    }

    private mutating func literal(_ word: StaticString) throws(DecodeError) {
        let start = position
        let w = word.withUTF8Buffer { Array($0) }
        guard index + w.count <= bytes.endIndex, bytes[index..<index + w.count].elementsEqual(w) else {
            throw DecodeError("expected a JSON value", at: start)
        }
        for _ in w { advance() }
    }

    private mutating func enter(_ start: SourcePosition) throws(DecodeError) {
        depth += 1
        if depth > Self.maximumDepth {
            throw DecodeError("nesting deeper than \(Self.maximumDepth) levels", at: start)
        }
    }

    private mutating func object() throws(DecodeError) -> SourceNode {
        let start = position
        try enter(start)
        advance()
        var entries: [SourceNode.Entry] = []
        var seen = Set<String>()
        skipWhitespace()
        if peek == UInt8(ascii: "}") {
            advance()
            depth -= 1
            return SourceNode(.mapping(entries), at: start)
        }
        while true {
            skipWhitespace()
            let keyPosition = position
            guard peek == UInt8(ascii: "\"") else { throw DecodeError("expected a string key", at: keyPosition) }
            let key = try string()
            if !seen.insert(key).inserted {
                throw DecodeError("duplicate key '\(key)'", at: keyPosition)
            }
            skipWhitespace()
            guard peek == UInt8(ascii: ":") else { throw DecodeError("expected ':' after the key", at: position) }
            advance()
            skipWhitespace()
            let v = try value()
            entries.append(.init(key: key, keyPosition: keyPosition, value: v))
            skipWhitespace()
            switch peek {
            case UInt8(ascii: ","): advance()
            case UInt8(ascii: "}"):
                advance()
                depth -= 1
                return SourceNode(.mapping(entries), at: start)
            default: throw DecodeError("expected ',' or '}' in the object", at: position)
            }
        }
    }

    private mutating func array() throws(DecodeError) -> SourceNode {
        let start = position
        try enter(start)
        advance()
        var items: [SourceNode] = []
        skipWhitespace()
        if peek == UInt8(ascii: "]") {
            advance()
            depth -= 1
            return SourceNode(.sequence(items), at: start)
        }
        while true {
            skipWhitespace()
            items.append(try value())
            skipWhitespace()
            switch peek {
            case UInt8(ascii: ","): advance()
            case UInt8(ascii: "]"):
                advance()
                depth -= 1
                return SourceNode(.sequence(items), at: start)
            default: throw DecodeError("expected ',' or ']' in the array", at: position)
            }
        }
    }

    private mutating func string() throws(DecodeError) -> String {
        let start = position
        advance()
        // Fast path: no escapes, so the text is a slice of the input.
        var i = index
        var scalars = 0
        while i < bytes.endIndex {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b < 0x20 { break }
            if b & 0xC0 != 0x80 { scalars += 1 }
            i += 1
        }
        if i < bytes.endIndex, bytes[i] == UInt8(ascii: "\"") {
            guard let s = bytes[index..<i].withUnsafeBufferPointer({ String(validating: $0, as: UTF8.self) }) else {
                throw DecodeError("string is not valid UTF-8", at: start)
            }
            index = i + 1
            column += scalars + 1
            return s
        }
        var out: [UInt8] = []
        while true {
            guard let b = peek else { throw DecodeError("unterminated string", at: start) }
            if b == UInt8(ascii: "\"") {
                advance()
                break
            }
            if b < 0x20 { throw DecodeError("control character in a string (escape it)", at: position) }
            if b == UInt8(ascii: "\\") {
                let escPosition = position
                advance()
                guard let e = peek else { throw DecodeError("unterminated string", at: start) }
                advance()
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try hex4(escPosition)
                    if (0xD800...0xDBFF).contains(code) {
                        guard peek == UInt8(ascii: "\\") else { throw DecodeError("unpaired surrogate escape", at: escPosition) }
                        advance()
                        guard peek == UInt8(ascii: "u") else { throw DecodeError("unpaired surrogate escape", at: escPosition) }
                        advance()
                        let low = try hex4(escPosition)
                        guard (0xDC00...0xDFFF).contains(low) else { throw DecodeError("unpaired surrogate escape", at: escPosition) }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(code) {
                        throw DecodeError("unpaired surrogate escape", at: escPosition)
                    }
                    out.append(contentsOf: Array(String(Character(Unicode.Scalar(code)!)).utf8))
                default:
                    throw DecodeError("invalid escape in a string", at: escPosition)
                }
                continue
            }
            out.append(b)
            advance()
        }
        guard let s = String(validating: out, as: UTF8.self) else {
            throw DecodeError("string is not valid UTF-8", at: start)
        }
        return s
    }

    private mutating func hex4(_ at: SourcePosition) throws(DecodeError) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard let b = peek else { throw DecodeError("invalid \\u escape", at: at) }
            let d: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(b - UInt8(ascii: "A") + 10)
            default: throw DecodeError("invalid \\u escape", at: at)
            }
            v = v << 4 | d
            advance()
        }
        return v
    }

    private mutating func number() throws(DecodeError) -> Number {
        let start = position
        let begin = index
        func isDigit(_ b: UInt8?) -> Bool { b.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
        if peek == UInt8(ascii: "-") { advance() }
        guard isDigit(peek) else { throw DecodeError("invalid number", at: start) }
        if peek == UInt8(ascii: "0") {
            advance()
            if isDigit(peek) { throw DecodeError("invalid number (leading zero)", at: start) }
        } else {
            while isDigit(peek) { advance() }
        }
        var integral = true
        if peek == UInt8(ascii: ".") {
            integral = false
            advance()
            guard isDigit(peek) else { throw DecodeError("invalid number", at: start) }
            while isDigit(peek) { advance() }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            integral = false
            advance()
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { advance() }
            guard isDigit(peek) else { throw DecodeError("invalid number", at: start) }
            while isDigit(peek) { advance() }
        }
        if integral {
            // Exact integers without building a string, when they fit in 64 bits.
            var value: Int64 = 0
            var fits = true
            let negative = bytes[begin] == UInt8(ascii: "-")
            for b in bytes[(negative ? begin + 1 : begin)..<index] {
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (v, o2) = negative ? m.subtractingReportingOverflow(Int64(b - 0x30)) : m.addingReportingOverflow(Int64(b - 0x30))
                if o1 || o2 { fits = false; break }
                value = v
            }
            if fits { return .int(value) }
            // Integers are exact within 64 bits (format 5.0): a larger one is not read as a double.
            throw DecodeError("integer out of range: expected a whole number within the signed 64-bit range (-9223372036854775808 to 9223372036854775807)", at: start)
        }
        let text = String(decoding: bytes[begin..<index], as: UTF8.self)
        guard let d = Double(text), d.isFinite else {
            throw DecodeError("number out of range", at: start)
        }
        return .double(d)
    }
}
