/// Decodes one event mapping of a scenario's `events:` list or of a JSON Lines stream.
public enum EventDecoder {
    /// Keys every event may have besides its type's own.
    static let commonKeys = ["at", "type", "note"]

    /// The keys each type takes: required, then optional.
    static let keyTable: [String: (required: [String], optional: [String], allowed: [String])] = {
        var t: [String: (required: [String], optional: [String], allowed: [String])] = [:]
        for name in Event.Kind.typeNames {
            let k = keys(of: name)!
            t[name] = (k.required, k.optional, commonKeys + k.required + k.optional)
        }
        return t
    }()

    static func keys(of type: String) -> (required: [String], optional: [String])? {
        switch type {
        case "dynamics.account.create", "dynamics.account.update": return (["account", "fields"], [])
        case "dynamics.account.delete": return (["account"], [])
        case "dynamics.contact.create": return (["contact"], ["account", "fields"])
        case "dynamics.contact.move": return (["contact", "account"], [])
        case "marketo.account.edit": return (["contact", "fields"], [])
        case "marketo.account.create": return (["account"], ["fields"])
        case "sync.configure": return ([], RulesDecoder.ruleKeys)
        default: return nil
        }
    }

    /// Decodes an event. With `timingAllowed`, a `sync.configure` without `at` may set timing
    /// keys (the leading line of a JSON Lines stream); its `at` is then nil.
    public static func decode(_ node: SourceNode, leadingConfigure: Bool = false) throws(DecodeError) -> (event: Event, at: Seconds?) {
        let m = try MappingReader(node, what: "an event")
        let typeNode = try m.required("type", in: "the event")
        guard case .scalar(.string(let type)) = typeNode.kind, let keys = keyTable[type] else {
            let found = ValueDecoding.nameText(typeNode).map { "'\(ValueDecoding.printable($0))'" } ?? typeNode.shapeName
            throw DecodeError("unknown event type \(found) (expected one of: \(Event.Kind.typeNames.joined(separator: ", ")))", at: typeNode.position)
        }
        let header = leadingConfigure && type == "sync.configure" && !m.has("at")
        var allowed = keys.allowed
        if header { allowed += RulesDecoder.timingKeys }
        if type == "sync.configure", !header {
            for k in RulesDecoder.timingKeys where m.has(k) {
                throw DecodeError("'\(k)' is a timing key: it is set only in the sync: block, not by sync.configure", at: m.keyPosition(k))
            }
        }
        try m.rejectUnknown(allowed, in: "a \(type) event")
        let at: Seconds? = header ? nil : try ValueDecoding.time(try m.required("at", in: "the event"), what: "at")
        for k in keys.required where !m.has(k) {
            throw DecodeError("missing key '\(k)' in the \(type) event", at: node.position)
        }
        let note = try m.optional("note").map { n throws(DecodeError) in try ValueDecoding.text(n, what: "note") }
        func account() throws(DecodeError) -> String { try ValueDecoding.id(m.optional("account")!, what: "account") }
        func contact() throws(DecodeError) -> String { try ValueDecoding.id(m.optional("contact")!, what: "contact") }
        func fields() throws(DecodeError) -> EventFields {
            guard let f = m.optional("fields") else { return EventFields() }
            return EventFields(try ValueDecoding.fields(f))
        }
        let kind: Event.Kind
        switch type {
        case "dynamics.account.create": kind = .accountCreate(account: try account(), fields: try fields())
        case "dynamics.account.update": kind = .accountUpdate(account: try account(), fields: try fields())
        case "dynamics.account.delete": kind = .accountDelete(account: try account())
        case "dynamics.contact.create":
            let c = try contact()
            var a: String? = nil
            if let n = m.optional("account") {
                if case .scalar(.null) = n.kind { a = nil } else { a = try ValueDecoding.id(n, what: "account") }
            }
            kind = .contactCreate(contact: c, account: a, fields: try fields())
        case "dynamics.contact.move": kind = .contactMove(contact: try contact(), account: try account())
        case "marketo.account.edit": kind = .marketoAccountEdit(contact: try contact(), fields: try fields())
        case "marketo.account.create": kind = .marketoAccountCreate(account: try account(), fields: try fields())
        default:
            var change = RuleChange()
            for e in m.entries where !commonKeys.contains(e.key) {
                try RulesDecoder.apply(key: e.key, value: e.value, to: &change)
            }
            kind = .configure(change)
        }
        return (Event(at: at ?? 0, kind: kind, note: note), at)
    }
}
