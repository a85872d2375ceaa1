extension Expectation {
    /// The entry as it would be written in `expect:` (`at` in seconds).
    public var json: JSON {
        var o: [String: JSON] = ["at": .int(at)]
        switch subject {
        case .contact(let c): o["contact"] = .string(c)
        case .account(let a): o["account"] = .string(a)
        case .log: break
        }
        for check in checks {
            let (key, value) = check.member
            o[key] = value
        }
        return .object(o)
    }
}

extension Expectation.Check {
    /// The key and value of this check in an `expect:` entry.
    public var member: (String, JSON) {
        switch self {
        case .fields(let f): return ("fields", .fields(f))
        case .account(let a): return ("account", a.map(JSON.string) ?? .null)
        case .activities(let count, let source, let field):
            if source == nil && field == nil { return ("activities", .int(count)) }
            var o: [String: JSON] = ["count": .int(count)]
            if let source { o["source"] = .string(source.rawValue) }
            if let field { o["field"] = .string(field) }
            return ("activities", .object(o))
        case .dynamics(let f): return ("dynamics", .fields(f))
        case .marketo(let f): return ("marketo", .fields(f))
        case .rejected(let n): return ("rejected", .int(n))
        case .inMarketo(let b): return ("inMarketo", .bool(b))
        case .deletedInDynamics(let b): return ("deletedInDynamics", .bool(b))
        case .queue(let records, let oldest, let checksOldest):
            var o: [String: JSON] = [:]
            if let records { o["records"] = .int(records) }
            if checksOldest { o["oldest"] = oldest.map(JSON.int) ?? .null }
            return ("queue", .object(o))
        case .pending(let b): return ("pending", .bool(b))
        case .stale(let b): return ("stale", .bool(b))
        }
    }
}
