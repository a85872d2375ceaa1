/// Generates valid random event streams from a seed: every event type, ids that
/// collide on purpose, deletes, moves, rejected edits and rule changes.
///
/// Used by property tests; the same options always give the same events.
public struct RandomStream: Sendable {
    public var seed: UInt64
    public var events = 200
    public var accounts = 6
    public var contacts = 20
    public var fieldNames = ["name", "industry", "tier", "city", "revenue"]
    /// Largest gap between two events, in seconds.
    public var maxGap: Seconds = 200
    /// Whether to emit `sync.configure` events.
    public var configure = true
    /// Whether to use version 2's keys: a capacity, both queue orders, a sync filter whose
    /// field (`new_synctomkto`) accounts toggle.
    public var version2 = true

    /// The filter field of version 2's streams.
    public static let filterField = "new_synctomkto"

    public init(seed: UInt64) {
        self.seed = seed
    }

    /// Random starting rules (timing included).
    public func rules() -> SyncRules {
        var rng = SplitMix64(seed: seed ^ 0xA5A5)
        var r = SyncRules()
        r.interval = [60, 300, 301, 7][Int(rng.next() % 4)]
        r.duration = [0, 0, 30, 120][Int(rng.next() % 4)]
        r.start = [0, 0, 45][Int(rng.next() % 3)]
        r.overwrite = rng.next() % 2 == 0 ? .all : .changed
        r.activityLimit = [5000, 2, 3][Int(rng.next() % 3)]
        if rng.next() % 3 == 0 { r.fields = .list(Array(fieldNames.prefix(3))) }
        if rng.next() % 3 == 0 { r.unreadable = [fieldNames[Int(rng.next() % UInt64(fieldNames.count))]] }
        guard version2 else { return r }
        r.capacity = [.unlimited, .records(1), .records(2), .records(3)][Int(rng.next() % 4)]
        r.queueOrder = rng.next() % 2 == 0 ? .modified : .first
        if rng.next() % 2 == 0 { r.filter = .field(Self.filterField) }
        return r
    }

    /// The events.
    public func generate() -> [Event] {
        var rng = SplitMix64(seed: seed)
        func pick<T>(_ a: [T]) -> T { a[Int(rng.next() % UInt64(a.count))] }
        func chance(_ percent: UInt64) -> Bool { rng.next() % 100 < percent }
        var now: Seconds = 0
        var live: [String] = []
        var deleted: Set<String> = []
        var contactIDs: [String] = []
        var out: [Event] = []
        var nextAccount = 0
        var nextContact = 0
        let values: [Value] = [.string("A"), .string("B"), .string(""), .number(.int(1)), .number(.double(1.0)),
                               .number(.double(2.5)), .bool(true), .null, .string("1")]
        func someFields(_ n: Int) -> EventFields {
            var f: [String: Value] = [:]
            for _ in 0..<n { f[pick(fieldNames)] = pick(values) }
            // Version 2: the filter field toggles, mostly between Yes and No.
            if version2, chance(30) { f[Self.filterField] = pick([.bool(false), .bool(false), .bool(true), .null, .string("No")]) }
            return EventFields(f)
        }
        while out.count < events {
            if chance(40) { now += Seconds(rng.next() % UInt64(maxGap + 1)) }
            let roll = rng.next() % 100
            var kind: Event.Kind?
            switch roll {
            case 0..<12 where nextAccount < accounts || live.isEmpty:
                let a = "acct-\(nextAccount)"
                nextAccount += 1
                live.append(a)
                kind = .accountCreate(account: a, fields: someFields(Int(rng.next() % 4)))
            case 12..<30 where !live.isEmpty && nextContact < contacts:
                let c = "c\(nextContact)"
                nextContact += 1
                contactIDs.append(c)
                kind = .contactCreate(contact: c, account: chance(90) ? pick(live) : nil, fields: [:])
            case 30..<55 where !live.isEmpty:
                kind = .accountUpdate(account: pick(live), fields: someFields(Int(rng.next() % 3)))
            case 55..<75 where !contactIDs.isEmpty:
                kind = .marketoAccountEdit(contact: pick(contactIDs), fields: someFields(1 + Int(rng.next() % 2)))
            case 75..<83 where !contactIDs.isEmpty && !live.isEmpty:
                kind = .contactMove(contact: pick(contactIDs), account: pick(live))
            case 83..<87 where live.count > 1:
                let a = pick(live)
                live.removeAll { $0 == a }
                deleted.insert(a)
                kind = .accountDelete(account: a)
            case 87..<90:
                kind = .marketoAccountCreate(account: chance(50) && !live.isEmpty ? pick(live) : "new-\(rng.next() % 5)", fields: [:])
            case 90..<94 where configure:
                var change = RuleChange()
                switch rng.next() % (version2 ? 7 : 4) {
                case 0: change.overwrite = chance(50) ? .all : .changed
                case 1: change.activityLimit = pick([1, 2, 5000])
                case 2: change.fields = chance(50) ? .all : .list(Array(Set([pick(fieldNames), pick(fieldNames)])).sorted())
                case 3: change.unreadable = chance(50) ? [] : [pick(fieldNames)]
                case 4: change.capacity = pick([.unlimited, .records(1), .records(2)])
                case 5: change.queueOrder = chance(50) ? .modified : .first
                default: change.filter = chance(50) ? SyncFilter.none : .field(Self.filterField)
                }
                kind = .configure(change)
            default:
                kind = nil
            }
            if let kind { out.append(Event(at: now, kind: kind)) }
        }
        return out
    }
}
