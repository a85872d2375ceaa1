/// Names interned to dense integer ids in the order they are first seen.
///
/// The projector keeps accounts, contacts and field names as ids so that its hot paths index
/// arrays instead of hashing strings. Ids follow the order of the log's events, so the same
/// log always gives the same ids, and a projector restored from a snapshot gets the ids the
/// full replay gave.
struct Interner: Sendable {
    private(set) var names: [String] = []
    private var ids: [String: Int32] = [:]

    var count: Int { names.count }

    /// The id of `name`, assigning the next one if it is new.
    mutating func id(_ name: String) -> Int32 {
        if let i = ids[name] { return i }
        let i = Int32(names.count)
        names.append(name)
        ids[name] = i
        return i
    }

    /// The id of `name`, nil if it was never interned.
    func lookup(_ name: String) -> Int32? { ids[name] }

    subscript(id: Int32) -> String { names[Int(id)] }
}

/// The fields of one account, few in number: a small vector keyed by field id,
/// searched linearly (faster than hashing for the handful of fields an account has).
struct FieldValues: Sendable, Equatable {
    struct Entry: Sendable, Equatable {
        var field: Int32
        var value: Value
    }
    private(set) var entries: [Entry] = []

    var isEmpty: Bool { entries.isEmpty }

    func value(_ field: Int32) -> Value? {
        for e in entries where e.field == field { return e.value }
        return nil
    }

    /// Sets a field (`null` removes it) and returns the value it had (`null` if none).
    @discardableResult
    mutating func set(_ field: Int32, _ value: Value) -> Value {
        for i in entries.indices where entries[i].field == field {
            let old = entries[i].value
            if value.isNull {
                entries.remove(at: i)
            } else {
                entries[i].value = value
            }
            return old
        }
        if !value.isNull { entries.append(Entry(field: field, value: value)) }
        return .null
    }

    /// The fields by name.
    func named(_ names: Interner) -> [String: Value] {
        var out: [String: Value] = [:]
        out.reserveCapacity(entries.count)
        for e in entries { out[names[e.field]] = e.value }
        return out
    }
}
