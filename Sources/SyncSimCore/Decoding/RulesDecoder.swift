/// Decodes rule keys from a `sync:` block, a `sync.configure` event or a `--set` option.
public enum RulesDecoder {
    /// The timing keys, allowed only in `sync:` (and a JSON Lines stream's leading configure line).
    public static let timingKeys = ["interval", "duration", "start", "origin"]
    /// The keys a `sync.configure` event may set.
    public static let ruleKeys = ["fields", "unreadable", "activityLimit", "overwrite", "capacity", "queueOrder", "filter"]
    /// Every rule key.
    public static let allKeys = timingKeys + ruleKeys

    /// Decodes one rule key's value into `change`.
    public static func apply(key: String, value node: SourceNode, to change: inout RuleChange) throws(DecodeError) {
        switch key {
        case "interval":
            let v = try ValueDecoding.time(node, what: "interval")
            guard v >= 1 else { throw DecodeError("expected interval: at least 1s", at: node.position) }
            change.interval = v
        case "duration": change.duration = try ValueDecoding.time(node, what: "duration")
        case "start": change.start = try ValueDecoding.time(node, what: "start")
        case "origin":
            guard case .scalar(.string(let s)) = node.kind, let o = Origin(parsing: s) else {
                throw DecodeError("expected origin: a UTC instant such as \"2026-03-01T09:00:00Z\" (YYYY-MM-DDTHH:MM:SS, optional fraction, Z or +00:00), found \(ValueDecoding.found(node))", at: node.position)
            }
            change.origin = o
        case "fields":
            if case .scalar(.string("all")) = node.kind {
                change.fields = .all
            } else if case .sequence = node.kind {
                change.fields = .list(try ValueDecoding.fieldNameList(node, what: "fields"))
            } else {
                throw DecodeError("expected fields: `all` or a list of field names, found \(node.shapeName)", at: node.position)
            }
        case "unreadable": change.unreadable = try ValueDecoding.fieldNameList(node, what: "unreadable")
        case "activityLimit": change.activityLimit = try ValueDecoding.count(node, what: "activityLimit")
        case "overwrite":
            guard case .scalar(.string(let s)) = node.kind, let o = Overwrite(rawValue: s) else {
                throw DecodeError("expected overwrite: all or changed", at: node.position)
            }
            change.overwrite = o
        case "capacity":
            // An integer literal from 1 to 10^9, or `unlimited` (1.0 and 1e3 are not integers).
            if case .scalar(.string("unlimited")) = node.kind {
                change.capacity = .unlimited
            } else if case .scalar(.number(.int(let n))) = node.kind, n >= 1, n <= Capacity.maximum {
                change.capacity = .records(n)
            } else {
                throw DecodeError("expected capacity: unlimited or a whole number of records from 1 to 1000000000, found \(ValueDecoding.found(node))", at: node.position)
            }
        case "queueOrder":
            guard case .scalar(.string(let s)) = node.kind, let o = QueueOrder(rawValue: s) else {
                throw DecodeError("expected queueOrder: modified or first, found \(ValueDecoding.found(node))", at: node.position)
            }
            change.queueOrder = o
        case "filter":
            guard case .scalar(.string(let s)) = node.kind else {
                throw DecodeError("expected filter: none or a field name, found \(ValueDecoding.found(node))", at: node.position)
            }
            change.filter = s == "none" ? SyncFilter.none : .field(try ValueDecoding.fieldName(s, at: node.position))
        default:
            throw DecodeError("unknown sync key '\(key)' (expected one of: \(allKeys.joined(separator: ", ")))", at: node.position)
        }
    }

    /// Decodes a `sync:` mapping (timing keys allowed).
    public static func syncBlock(_ node: SourceNode) throws(DecodeError) -> RuleChange {
        let m = try MappingReader(node, what: "the sync block")
        try m.rejectUnknown(allKeys, in: "sync")
        var change = RuleChange()
        for e in m.entries { try apply(key: e.key, value: e.value, to: &change) }
        return change
    }
}
