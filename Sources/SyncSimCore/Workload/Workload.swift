/// Generates a realistic simulated day of a Marketo instance as events: accounts with
/// heavy-tailed contact counts (some above 5,000), Dynamics updates every few seconds,
/// Marketo edits, moves, deletes, rejected creates and rule changes.
///
/// Deterministic: the same options give the same events, in the same order, on any machine.
public struct Workload: Sendable {
    public var seed: UInt64 = 1
    /// Total number of events, creates included.
    public var events = 100_000
    public var accounts = 2_000
    public var contacts = 20_000
    /// The simulated span the events spread over, in seconds.
    public var span: Seconds = 86_400
    /// Whether to emit `sync.configure` events and a leading rules line.
    public var rules = true
    /// The most records a cycle carries (R10), nil for unlimited.
    public var capacity: Int64?
    /// A mass update: at `at`, Dynamics updates the first `share` of the accounts at once.
    public var burst: (share: Double, at: Seconds)?
    /// The share of accounts whose sync filter field (`new_synctomkto`) toggles between No and Yes
    /// (R11); with any, the stream's first line sets `filter`.
    public var filterShare = 0.0

    /// The sync filter field of generated workloads.
    public static let filterField = "new_synctomkto"

    public init() {}

    /// Field names the workload uses.
    public static let fieldNames = ["name", "industry", "tier", "city", "revenue", "phone", "website", "owner"]

    /// Calls `emit` for each line of the JSON Lines stream, in order.
    public func generate(_ emit: (JSON) -> Void) {
        var rng = SplitMix64(seed: seed)
        func uniform(_ n: Int) -> Int { Int(rng.next() % UInt64(max(n, 1))) }
        func chance(_ p: Double) -> Bool { Double(rng.next() >> 11) / Double(1 << 53) < p }
        let accounts = max(1, min(self.accounts, events / 2))
        let contacts = max(0, min(self.contacts, events - accounts))
        var first: [String: JSON] = [:]
        if rules {
            first = ["type": .string(EventType.configure.name), "interval": .string("5m"), "duration": .string("30s"),
                     "fields": .string("all"), "unreadable": .array([.string("owner")]),
                     "activityLimit": .int(5000), "overwrite": .string("all")]
        }
        if let capacity { first["capacity"] = .int(capacity) }
        if filterShare > 0 { first["filter"] = .string(Self.filterField) }
        if !first.isEmpty {
            first["type"] = .string(EventType.configure.name)
            emit(.object(first))
        }
        // The accounts whose filter field toggles: every k-th, k from the share.
        let toggleEvery = filterShare > 0 ? max(1, Int((1 / filterShare).rounded())) : 0
        var filteredOut = Set<Int>()
        var burstDone = burst == nil
        // Zipf weights (1/rank) over accounts, as a cumulative table for sampling: plain
        // IEEE divisions and sums, so every machine draws the same accounts.
        var cumulative: [Double] = []
        cumulative.reserveCapacity(accounts)
        var total = 0.0
        for i in 0..<accounts {
            total += 1.0 / Double(i + 1)
            cumulative.append(total)
        }
        func heavyAccount() -> Int {
            let x = Double(rng.next() >> 11) / Double(1 << 53) * total
            var lo = 0, hi = accounts - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if cumulative[mid] < x { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
        func value(_ field: String) -> JSON {
            switch field {
            case "revenue": return .int(Int64(uniform(1000)) * 1000)
            case "tier": return .string(["bronze", "silver", "gold", "platinum"][uniform(4)])
            case "industry": return .string(["Retail", "Finance", "Energy", "Health", "Media", "Mining"][uniform(6)])
            default: return .string("\(field)-\(uniform(50))")
            }
        }
        func fields(_ n: Int) -> JSON {
            var o: [String: JSON] = [:]
            for _ in 0..<n {
                let f = Self.fieldNames[uniform(Self.fieldNames.count)]
                o[f] = value(f)
            }
            return .object(o)
        }
        // The first hour creates the accounts and contacts; the rest of the span carries the changes.
        let setup = min(span / 24, 3_600)
        var count = 0
        var deleted = Set<Int>()
        for a in 0..<accounts {
            let at = setup * Int64(a) / Int64(max(accounts, 1)) / 2
            emit(.object(["at": .int(at), "type": .string(EventType.accountCreate.name), "account": .string("a\(a)"),
                          "fields": fields(3)]))
            count += 1
        }
        for c in 0..<contacts {
            let at = setup / 2 + setup * Int64(c) / Int64(max(contacts, 1)) / 2
            let a = heavyAccount()
            emit(.object(["at": .int(at), "type": .string(EventType.contactCreate.name), "contact": .string("c\(c)"),
                          "account": .string("a\(a)")]))
            count += 1
        }
        let remaining = max(events - count, 1)
        var at = setup
        let step = Double(span - setup) / Double(remaining)
        var i = 0
        while count < events {
            at = setup + Int64(Double(i) * step)
            i += 1
            // The mass update, once its instant comes: the first share of the accounts at once.
            if !burstDone, let burst, at >= burst.at {
                burstDone = true
                for b in 0..<Int(Double(accounts) * min(max(burst.share, 0), 1)) where count < events && !deleted.contains(b) {
                    emit(.object(["at": .int(burst.at), "type": .string(EventType.accountUpdate.name),
                                  "account": .string("a\(b)"), "fields": .object(["tier": .string("platinum")])]))
                    count += 1
                }
                if count >= events { break }
            }
            let roll = uniform(1000)
            var a = heavyAccount()
            if deleted.contains(a) { a = uniform(accounts) }
            if deleted.contains(a) { continue }
            var o: [String: JSON] = ["at": .int(at)]
            switch roll {
            case 0..<600:
                o["type"] = .string(EventType.accountUpdate.name)
                o["account"] = .string("a\(a)")
                o["fields"] = fields(1 + uniform(2))
                // An account of the toggling share switches its sync filter now and then.
                if toggleEvery > 0, a % toggleEvery == 0, chance(0.3), case .object(var f) = o["fields"]! {
                    let out = filteredOut.contains(a)
                    if out { filteredOut.remove(a) } else { filteredOut.insert(a) }
                    f[Self.filterField] = .bool(out)
                    o["fields"] = .object(f)
                }
            case 600..<900 where contacts > 0:
                o["type"] = .string(EventType.marketoAccountEdit.name)
                o["contact"] = .string("c\(uniform(contacts))")
                o["fields"] = fields(1)
            case 900..<960 where contacts > 0:
                let c = uniform(contacts)
                o["type"] = .string(EventType.contactMove.name)
                o["contact"] = .string("c\(c)")
                o["account"] = .string("a\(a)")
            case 960..<980:
                o["type"] = .string(EventType.marketoAccountCreate.name)
                o["account"] = .string("m\(uniform(1000))")
            case 980..<983 where accounts - deleted.count > accounts / 2 && a != 0:
                deleted.insert(a)
                o["type"] = .string(EventType.accountDelete.name)
                o["account"] = .string("a\(a)")
            case 983..<985 where rules:
                o["type"] = .string(EventType.configure.name)
                if chance(0.5) { o["overwrite"] = .string(chance(0.5) ? "all" : "changed") }
                else { o["activityLimit"] = .int(chance(0.5) ? 5000 : 1000) }
            default:
                o["type"] = .string(EventType.accountUpdate.name)
                o["account"] = .string("a\(a)")
                o["fields"] = fields(1)
            }
            emit(.object(o))
            count += 1
        }
    }
}
