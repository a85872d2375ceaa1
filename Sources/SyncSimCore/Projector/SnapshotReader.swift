/// Reads what ``SnapshotWriter`` wrote; throws on truncated or malformed input.
struct SnapshotReader {
    struct Malformed: Error {}
    let bytes: [UInt8]
    var i = 0

    var atEnd: Bool { i == bytes.count }

    mutating func byte() throws -> UInt8 {
        guard i < bytes.count else { throw Malformed() }
        defer { i += 1 }
        return bytes[i]
    }
    mutating func uint() throws -> UInt64 {
        var v: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            guard shift < 64 else { throw Malformed() }
            v |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return v }
            shift += 7
        }
    }
    mutating func count() throws -> Int {
        let n = try uint()
        guard n <= UInt64(bytes.count) else { throw Malformed() }
        return Int(n)
    }
    mutating func int() throws -> Int64 {
        let u = try uint()
        return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
    }
    mutating func bool() throws -> Bool {
        switch try byte() {
        case 0: return false
        case 1: return true
        default: throw Malformed()
        }
    }
    mutating func string() throws -> String {
        let n = try count()
        guard i + n <= bytes.count else { throw Malformed() }
        // Not validated here: a damaged snapshot cannot crash the reader (bad bytes become
        // U+FFFD), and `verify` compares every snapshot with the replay it stands for.
        let s = bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[i..<i + n]), as: UTF8.self) }
        i += n
        return s
    }
    /// What ``SnapshotWriter/text(_:_:)`` wrote, with the texts read so far in `table`.
    mutating func text(_ table: inout [String]) throws -> String {
        let n = try uint()
        guard n > 0 else {
            let s = try string()
            table.append(s)
            return s
        }
        guard n <= table.count else { throw Malformed() }
        return table[Int(n - 1)]
    }
    mutating func optionalString() throws -> String? { try bool() ? try string() : nil }
    mutating func strings() throws -> [String] { try (0..<count()).map { _ in try string() } }
    mutating func value() throws -> Value {
        switch try byte() {
        case 0: return .null
        case 1: return .bool(false)
        case 2: return .bool(true)
        case 3: return .number(.int(try int()))
        case 4: return .number(.double(Double(bitPattern: try uint())))
        case 5: return .string(try string())
        default: throw Malformed()
        }
    }
    /// An id below `limit`.
    mutating func id(_ limit: Int) throws -> Int32 {
        let v = try uint()
        guard v < UInt64(limit) else { throw Malformed() }
        return Int32(v)
    }
    mutating func ids(_ limit: Int) throws -> [Int32] { try (0..<count()).map { _ in try id(limit) } }
    mutating func fields(_ fieldCount: Int) throws -> FieldValues {
        let n = try count()
        var entries: [FieldValues.Entry] = []
        entries.reserveCapacity(n)
        var last: Int32 = -1
        for _ in 0..<n {
            let field = try id(fieldCount)
            let v = try value()
            // In increasing id order, as written: one form for one content.
            guard field > last, !v.isNull else { throw Malformed() }
            entries.append(FieldValues.Entry(field: field, value: v))
            last = field
        }
        return FieldValues(sorted: entries)
    }
    /// What ``SnapshotWriter/fields(_:over:)`` wrote: `base` with the changes applied.
    mutating func fields(_ fieldCount: Int, over base: FieldValues?) throws -> FieldValues {
        guard let base, !base.isEmpty else { return try fields(fieldCount) }
        let n = try count()
        var entries: [FieldValues.Entry] = []
        entries.reserveCapacity(base.entries.count + n)
        var j = 0
        var last: Int32 = -1
        for _ in 0..<n {
            let field = try id(fieldCount)
            let v = try value()
            guard field > last else { throw Malformed() }
            last = field
            while j < base.entries.count && base.entries[j].field < field {
                entries.append(base.entries[j]); j += 1
            }
            let inBase = j < base.entries.count && base.entries[j].field == field
            // One form for one content: a change changes something.
            if inBase {
                guard v != base.entries[j].value else { throw Malformed() }
                j += 1
            } else if v.isNull {
                throw Malformed()
            }
            if !v.isNull { entries.append(FieldValues.Entry(field: field, value: v)) }
        }
        entries.append(contentsOf: base.entries[j...])
        return FieldValues(sorted: entries)
    }
    mutating func tally() throws -> Tally { Tally(total: Int(try uint()), dynamics: Int(try uint())) }
    mutating func rules() throws -> SyncRules {
        let text = try string()
        guard let node = try? JSONReader.parse(text), let change = try? RulesDecoder.syncBlock(node) else { throw Malformed() }
        return SyncRules(change)
    }
    mutating func events() throws -> [Projector.Carried] {
        try (0..<count()).map { _ in
            let seq = Int(try uint())
            return Projector.Carried(seq: seq, event: try event())
        }
    }
    /// What ``SnapshotWriter/event(_:_:)`` wrote.
    mutating func event() throws -> Event {
        let tag = try byte()
        guard let type = EventType.allCases.first(where: { $0.snapshotTag == tag && (tag > 0 || $0 == .configure) }) else { throw Malformed() }
        let kind: Event.Kind
        switch type {
        case .marketoAccountEdit, .marketoAccountCreate, .configure:
            let n = try count()
            guard i + n <= bytes.count else { throw Malformed() }
            let e = try Event(canonicalJSON: String(decoding: bytes[i..<i + n], as: UTF8.self))
            i += n
            return e
        case .accountCreate: kind = .accountCreate(account: try string(), fields: try eventFields())
        case .accountUpdate: kind = .accountUpdate(account: try string(), fields: try eventFields())
        case .accountDelete: kind = .accountDelete(account: try string())
        case .contactCreate: kind = .contactCreate(contact: try string(), account: try optionalString(), fields: try eventFields())
        case .contactMove: kind = .contactMove(contact: try string(), account: try string())
        }
        return Event(at: try int(), kind: kind, note: try optionalString())
    }
    /// What ``SnapshotWriter/eventFields(_:)`` wrote: names in increasing canonical order, as written.
    mutating func eventFields() throws -> EventFields {
        let n = try count()
        var entries: [EventFields.Element] = []
        entries.reserveCapacity(n)
        for _ in 0..<n {
            let name = try string()
            if let last = entries.last, !CanonicalJSON.utf8Less(last.key, name) { throw Malformed() }
            entries.append((key: name, value: try value()))
        }
        return EventFields(sorted: entries)
    }
}
