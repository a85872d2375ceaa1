/// A JSON document tree used for all machine-readable output and for the log's payloads.
///
/// Objects are stored as dictionaries and always written with sorted keys, so
/// output never depends on hashing order.
public indirect enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Number)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    /// Wraps a field value.
    public init(_ value: Value) {
        switch value {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .number(let n): self = .number(n)
        case .string(let s): self = .string(s)
        }
    }

    /// A JSON integer.
    public static func int(_ i: Int64) -> JSON { .number(.int(i)) }
    /// A JSON integer from an `Int`.
    public static func int(_ i: Int) -> JSON { .number(.int(Int64(i))) }

    /// A JSON object of field values.
    public static func fields(_ fields: [String: Value]) -> JSON {
        .object(fields.mapValues(JSON.init))
    }

    /// A JSON object of an event's fields.
    public static func fields(_ fields: EventFields) -> JSON { .fields(fields.dictionary) }

    /// The member `key` of an object, if any.
    public subscript(key: String) -> JSON? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    /// The scalar value this JSON holds, if it is a scalar.
    public var scalarValue: Value? {
        switch self {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .number(let n): return .number(n)
        case .string(let s): return .string(s)
        case .array, .object: return nil
        }
    }

    /// The string this JSON holds, if any.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The integer this JSON holds exactly, if any.
    public var intValue: Int64? {
        if case .number(let n) = self { return n.exactInteger }
        return nil
    }
}
