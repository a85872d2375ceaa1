/// Decodes rule keys from a `sync:` block, a `sync.configure` event or a `--set` option.
public enum RulesDecoder {
    /// The timing keys, allowed only in `sync:` (and a JSON Lines stream's leading configure line).
    public static let timingKeys = ["interval", "duration", "start"]
    /// The keys a `sync.configure` event may set.
    public static let ruleKeys = ["fields", "unreadable", "activityLimit", "overwrite"]
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
