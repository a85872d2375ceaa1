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

    /// A string's bytes, read in place.
    mutating func append(_ s: String) {
        if s.utf8.withContiguousStorageIfAvailable({ writer.bytes.append(contentsOf: $0) }) == nil {
            writer.bytes.append(contentsOf: s.utf8)
        }
    }

    mutating func newline() { writer.byte(0x0A) }

    /// Spaces to copy from, a run at a time (appending a repeated element goes byte by byte).
    private let blanks = [UInt8](repeating: UInt8(ascii: " "), count: 64)

    mutating func spaces(_ n: Int) {
        var n = n
        while n > 0 {
            let k = min(n, blanks.count)
            blanks.withUnsafeBufferPointer { writer.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: $0[..<k])) }
            n -= k
        }
    }

    /// Appends a cell as ``Cell/text`` shows it; returns its width in characters.
    mutating func cell(_ c: Cell) -> Int {
        let start = writer.bytes.count
        switch c {
        case .text(let s): append(s)
        case .value(let v): if v.isNull { append("(none)") } else { writer.value(v) }
        case .int(let n): writer.integer(Int64(n))
        }
        return writer.bytes.withUnsafeBufferPointer { Self.width(UnsafeBufferPointer(rebasing: $0[start...])) }
    }

    /// A cell's width in characters, without keeping it: worked out without writing the cell
    /// for the usual cells (``plainWidth(_:)``), else written and counted.
    mutating func measure(_ c: Cell) -> Int {
        if let w = Self.plainWidth(c) { return w }
        defer { writer.bytes.removeAll(keepingCapacity: true) }
        return cell(c)
    }

    /// The width ``cell(_:)`` gives a cell that is an integer, no value, or a string of printable
    /// ASCII with nothing to escape (its bytes and two quotes); nil for any other.
    static func plainWidth(_ c: Cell) -> Int? {
        switch c {
        case .int(let n): return digits(Int64(n))
        case .value(.null): return "(none)".utf8.count
        case .value(.number(.int(let i))): return digits(i)
        case .value(.string(let s)):
            let w = s.utf8.withContiguousStorageIfAvailable { u in
                u.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") } ? u.count + 2 : nil
            }
            return w ?? nil
        default: return nil
        }
    }

    /// The characters of an integer written in decimal.
    static func digits(_ i: Int64) -> Int {
        var (n, count) = (i.magnitude, i < 0 ? 2 : 1)
        while n >= 10 {
            n /= 10
            count += 1
        }
        return count
    }

    /// Hands what is written to `out` and starts again.
    mutating func pass(to out: ([UInt8]) -> Void) {
        if !writer.bytes.isEmpty { out(writer.bytes) }
        writer.bytes.removeAll(keepingCapacity: true)
    }

    /// The width of text in characters (ASCII: its bytes, counted without decoding).
    static func width(_ s: String) -> Int {
        let ascii = s.utf8.withContiguousStorageIfAvailable { $0.allSatisfy { $0 < 0x80 } ? $0.count : nil }
        return (ascii ?? nil) ?? s.count
    }

    static func width(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        bytes.allSatisfy { $0 < 0x80 } ? bytes.count : String(decoding: bytes, as: UTF8.self).count
    }
}
