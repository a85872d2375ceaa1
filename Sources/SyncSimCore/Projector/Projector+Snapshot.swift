/// A compact, deterministic binary form of a projector's state, stored as checkpoints in a
/// log so that a projection at any instant replays only the events after the last checkpoint.
///
/// Maps are written in sorted key order, so the same state always gives the same bytes.
/// Snapshots hold counts, not activity records: a restored projector does not keep them.
extension Projector {
    /// Format version of snapshots.
    static let snapshotVersion: UInt64 = 1

    /// The state as bytes.
    public func snapshot() -> [UInt8] {
        var w = SnapshotWriter()
        w.uint(Self.snapshotVersion)
        w.rules(rules)
        w.int(now)
        w.uint(UInt64(lastSeq))
        w.uint(UInt64(rejections.count))
        for r in rejections {
            w.uint(UInt64(r.seq)); w.int(r.at); w.string(r.type); w.string(r.reason)
            w.optionalString(r.account); w.optionalString(r.contact)
        }
        w.map(dynamicsAccounts) { w, d in w.fields(d.fields); w.bool(d.deleted) }
        w.map(companies) { w, c in
            w.fields(c.fields); w.bool(c.deletedInDynamics); w.tally(c.tally)
            w.map(c.localEdits) { w, e in w.uint(UInt64(e.seq)); w.int(e.at); w.string(e.contact); w.value(e.value) }
        }
        w.map(contacts) { w, c in
            w.optionalString(c.account)
            w.bool(c.open != nil)
            if let o = c.open { w.string(o.account); w.tally(o.from) }
            w.tally(c.closed)
        }
        w.strings(CanonicalJSON.sorted(namedFields))
        w.events(pending)
        w.bool(inflight != nil)
        if let c = inflight {
            w.int(c.index); w.int(c.start); w.int(c.end); w.rules(c.rules); w.strings(c.allTargets)
            w.events(c.carried)
            w.uint(UInt64(c.accounts.count))
            for p in c.accounts {
                w.string(p.account); w.bool(p.deleted); w.bool(p.createdHere); w.fields(p.values)
                w.strings(CanonicalJSON.sorted(p.named))  // hash order must not reach the bytes
            }
        }
        return w.bytes
    }

    /// A projector restored from ``snapshot()`` bytes; nil if they are not a valid snapshot.
    public init?(snapshot bytes: [UInt8]) {
        var r = SnapshotReader(bytes: bytes)
        guard (try? r.uint()) == Self.snapshotVersion, let rules = try? r.rules() else { return nil }
        self.init(rules: rules)
        do {
            now = try r.int()
            lastSeq = Int(try r.uint())
            for _ in 0..<(try r.count()) {
                rejections.append(Rejection(seq: Int(try r.uint()), at: try r.int(), type: try r.string(), reason: try r.string(),
                                            account: try r.optionalString(), contact: try r.optionalString()))
            }
            dynamicsAccounts = try r.map { r in DynamicsAccount(fields: try r.fields(), deleted: try r.bool()) }
            companies = try r.map { r in
                var c = Company()
                c.fields = try r.fields()
                c.deletedInDynamics = try r.bool()
                c.tally = try r.tally()
                c.localEdits = try r.map { r in
                    let seq = Int(try r.uint()), at = try r.int(), contact = try r.string()
                    return LocalEdit(seq: seq, at: at, contact: contact, value: try r.value())
                }
                return c
            }
            contacts = try r.map { r in
                var c = MarketoContact()
                c.account = try r.optionalString()
                if try r.bool() { c.open = Membership(account: try r.string(), from: try r.tally(), to: nil) }
                c.closed = try r.tally()
                return c
            }
            for (id, c) in contacts {
                guard let a = c.account else { continue }
                guard companies[a] != nil else { return nil }
                companies[a]!.members.insert(id)
            }
            namedFields = Set(try r.strings())
            pending = try r.events()
            if try r.bool() {
                let index = try r.int(), start = try r.int(), end = try r.int(), cycleRules = try r.rules(), targets = try r.strings()
                let carried = try r.events()
                var plans: [Cycle.AccountPlan] = []
                for _ in 0..<(try r.count()) {
                    plans.append(Cycle.AccountPlan(account: try r.string(), deleted: try r.bool(), createdHere: try r.bool(),
                                                   values: try r.fields(), named: try r.strings()))
                }
                inflight = Cycle(index: index, start: start, end: end, rules: cycleRules, allTargets: targets,
                                 carried: carried, accounts: plans)
            }
            guard r.atEnd else { return nil }
        } catch {
            return nil
        }
    }
}

/// Appends snapshot fields: varints, zigzag integers, length-prefixed UTF-8.
struct SnapshotWriter {
    var bytes: [UInt8] = []

    mutating func uint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }
    mutating func int(_ v: Int64) { uint(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }
    mutating func bool(_ b: Bool) { bytes.append(b ? 1 : 0) }
    mutating func string(_ s: String) {
        uint(UInt64(s.utf8.count))
        bytes.append(contentsOf: s.utf8)
    }
    mutating func optionalString(_ s: String?) {
        bool(s != nil)
        if let s { string(s) }
    }
    mutating func strings(_ list: [String]) {
        uint(UInt64(list.count))
        for s in list { string(s) }
    }
    mutating func value(_ v: Value) {
        switch v {
        case .null: bytes.append(0)
        case .bool(let b): bytes.append(b ? 2 : 1)
        case .number(.int(let i)): bytes.append(3); int(i)
        case .number(.double(let d)):
            // As in canonical JSON, an integral double is the integer: a log's stored events
            // read back `1.0` as `1`, and the snapshot must not tell them apart.
            if d == d.rounded(), abs(d) < 9_007_199_254_740_992 {
                bytes.append(3); int(Int64(d))
            } else {
                bytes.append(4); uint(d.bitPattern)
            }
        case .string(let s): bytes.append(5); string(s)
        }
    }
    mutating func fields(_ f: [String: Value]) { map(f) { w, v in w.value(v) } }
    mutating func tally(_ t: Tally) { uint(UInt64(t.total)); uint(UInt64(t.dynamics)) }
    mutating func rules(_ r: SyncRules) { string(CanonicalJSON.string(for: r.json)) }
    mutating func map<V>(_ m: [String: V], _ each: (inout SnapshotWriter, V) -> Void) {
        uint(UInt64(m.count))
        for k in CanonicalJSON.sorted(m.keys) {
            string(k)
            each(&self, m[k]!)
        }
    }
    mutating func events(_ list: [Projector.Carried]) {
        uint(UInt64(list.count))
        for c in list {
            let (seq, e) = (c.seq, c.event)
            uint(UInt64(seq))
            let b = e.canonicalBytes
            uint(UInt64(b.count))
            bytes.append(contentsOf: b)
        }
    }
}

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
    mutating func fields() throws -> [String: Value] { try map { r in try r.value() } }
    mutating func tally() throws -> Tally { Tally(total: Int(try uint()), dynamics: Int(try uint())) }
    mutating func rules() throws -> SyncRules {
        let text = try string()
        guard let node = try? JSONReader.parse(text), let change = try? RulesDecoder.syncBlock(node) else { throw Malformed() }
        return SyncRules(change)
    }
    mutating func map<V>(_ each: (inout SnapshotReader) throws -> V) throws -> [String: V] {
        let n = try count()
        var m: [String: V] = [:]
        m.reserveCapacity(n)
        for _ in 0..<n {
            let k = try string()
            m[k] = try each(&self)
        }
        return m
    }
    mutating func events() throws -> [Projector.Carried] {
        try (0..<count()).map { _ in
            let seq = Int(try uint())
            let n = try count()
            guard i + n <= bytes.count else { throw Malformed() }
            let e = try Event(canonicalJSON: String(decoding: bytes[i..<i + n], as: UTF8.self))
            i += n
            return Projector.Carried(seq: seq, event: e)
        }
    }
}
