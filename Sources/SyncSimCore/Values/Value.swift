#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A field value as the format defines it: a JSON scalar or `null`.
///
/// Values compare as JSON scalars: `1` is not `"1"`, `true` is not `1`, and
/// numbers compare by value, so `1` equals `1.0`. Strings compare by their Unicode scalars, with
/// no normalization (format 5.0): `"Café"` with U+00E9 is not `"Cafe"` + U+0301, though Swift's
/// own `String ==` holds them equal.
public enum Value: Sendable {
    case null
    case bool(Bool)
    case number(Number)
    case string(String)

    /// Whether this value is `null` (no value).
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

/// A JSON number kept exactly when it is an integer, compared by value.
public enum Number: Sendable {
    case int(Int64)
    case double(Double)

    /// The number as a double, for comparison across representations.
    public var doubleValue: Double {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        }
    }

    /// The integer this number equals exactly, if there is one.
    public var exactInteger: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d):
            guard d.isFinite, d == d.rounded(), abs(d) < 9.2e18 else { return nil }
            return Int64(d)
        }
    }
}

extension Number: Hashable {
    public static func == (lhs: Number, rhs: Number) -> Bool {
        switch (lhs, rhs) {
        case (.int(let a), .int(let b)): return a == b
        default:
            // An integer and a double are equal only when the double is that exact integer.
            if let a = lhs.exactInteger, let b = rhs.exactInteger { return a == b }
            if lhs.exactInteger != nil || rhs.exactInteger != nil { return false }
            return lhs.doubleValue == rhs.doubleValue
        }
    }

    public func hash(into hasher: inout Hasher) {
        if let i = exactInteger {
            hasher.combine(0 as UInt8)
            hasher.combine(i)
        } else {
            hasher.combine(1 as UInt8)
            hasher.combine(doubleValue)
        }
    }
}

extension Value: Hashable {
    public static func == (a: Value, b: Value) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        // The same scalars have the same UTF-8 bytes, and different ones different bytes.
        case (.string(let x), .string(let y)): return Value.sameScalars(x, y)
        default: return false
        }
    }

    /// Whether two strings have the same Unicode scalars: their UTF-8 bytes compared in place
        /// (a native string's are contiguous), byte by byte otherwise.
    static func sameScalars(_ x: String, _ y: String) -> Bool {
        guard x.utf8.count == y.utf8.count else { return false }
        let inPlace = x.utf8.withContiguousStorageIfAvailable { a in
            y.utf8.withContiguousStorageIfAvailable { b in a.isEmpty || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0 }
        }
        return (inPlace ?? nil) ?? x.utf8.elementsEqual(y.utf8)
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0 as UInt8)
        case .bool(let b): hasher.combine(1 as UInt8); hasher.combine(b)
        case .number(let n): hasher.combine(2 as UInt8); hasher.combine(n)
        case .string(let s):
            hasher.combine(3 as UInt8)
            hasher.combine(s.utf8.count)
            var bytes = s
            bytes.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
    }
}

extension Value: CustomStringConvertible {
    /// The value as canonical JSON text (`null`, `true`, `12`, `"text"`).
    public var description: String { CanonicalJSON.string(for: JSON(self)) }
}
