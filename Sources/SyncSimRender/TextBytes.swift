import SyncSimCore

/// A cell of a text table: text as it is, or a value or a count, formatted only where it is
/// written.
enum Cell {
    case text(String)
    case value(Value)
    case int(Int)

    /// The cell as ``TextFormat`` shows it.
    var text: String {
        switch self {
        case .text(let s): return s
        case .value(let v): return TextFormat.value(v)
        case .int(let n): return String(n)
        }
    }
}

/// Terminal text built as UTF-8 bytes: large tables are written without a string per cell.
struct TextBytes {
    /// Values are written by the canonical JSON writer, into its own bytes.
    private var writer = JSONWriter(capacity: 1 << 17)

    var bytes: [UInt8] { writer.bytes }

    mutating func append(_ s: String) {
        var s = s
        s.withUTF8 { writer.bytes.append(contentsOf: $0) }
    }

    mutating func newline() { writer.byte(0x0A) }

    mutating func spaces(_ n: Int) {
        if n > 0 { writer.bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: n)) }
    }

    /// Appends a cell as ``Cell/text`` shows it; returns its width in characters.
    mutating func cell(_ c: Cell) -> Int {
        let start = writer.bytes.count
        switch c {
        case .text(let s): append(s)
        case .value(let v): if v.isNull { append("(none)") } else { writer.value(v) }
        case .int(let n): writer.integer(Int64(n))
        }
        return Self.width(writer.bytes[start...])
    }

    /// A cell's width in characters, without keeping it.
    mutating func measure(_ c: Cell) -> Int {
        defer { writer.bytes.removeAll(keepingCapacity: true) }
        return cell(c)
    }

    /// Hands what is written to `out` and starts again.
    mutating func pass(to out: ([UInt8]) -> Void) {
        if !writer.bytes.isEmpty { out(writer.bytes) }
        writer.bytes.removeAll(keepingCapacity: true)
    }

    /// The width of text in characters (ASCII: its bytes, counted without decoding).
    static func width(_ s: String) -> Int {
        var s = s
        return s.withUTF8 { $0.allSatisfy { $0 < 0x80 } ? $0.count : nil } ?? s.count
    }

    static func width(_ bytes: ArraySlice<UInt8>) -> Int {
        bytes.allSatisfy { $0 < 0x80 } ? bytes.count : String(decoding: bytes, as: UTF8.self).count
    }
}
