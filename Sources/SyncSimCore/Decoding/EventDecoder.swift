/// Decodes one event mapping of a scenario's `events:` list or of a JSON Lines stream.
public enum EventDecoder {
    /// Keys every event may have besides its type's own.
    static let commonKeys = ["at", "type", "note"]

    /// The keys each type takes: required, then optional.
    static let keyTable: [String: (type: EventType, required: [String], allowed: [String])] = {
        var t: [String: (type: EventType, required: [String], allowed: [String])] = [:]
        for type in EventType.allCases {
            t[type.name] = (type, type.keys.required, commonKeys + type.keys.required + type.keys.optional)
        }
        return t
    }()

    /// Decodes an event. With `timingAllowed`, a `sync.configure` without `at` may set timing
    /// keys (the leading line of a JSON Lines stream); its `at` is then nil.
    public static func decode(_ node: SourceNode, leadingConfigure: Bool = false) throws(DecodeError) -> (event: Event, at: Seconds?) {
        let m = try MappingReader(node, what: "an event")
        let typeNode = try m.required("type", in: "the event")
        guard case .scalar(.string(let type)) = typeNode.kind, let keys = keyTable[type] else {
            let found = ValueDecoding.nameText(typeNode).map { "'\(ValueDecoding.printable($0))'" } ?? typeNode.shapeName
            throw DecodeError("unknown event type \(found) (expected one of: \(Event.Kind.typeNames.joined(separator: ", ")))", at: typeNode.position)
        }
        let header = leadingConfigure && keys.type == .configure && !m.has("at")
        var allowed = keys.allowed
        if header { allowed += RulesDecoder.timingKeys }
        if keys.type == .configure, !header {
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
        switch keys.type {
        case .accountCreate: kind = .accountCreate(account: try account(), fields: try fields())
        case .accountUpdate: kind = .accountUpdate(account: try account(), fields: try fields())
        case .accountDelete: kind = .accountDelete(account: try account())
        case .contactCreate:
            let c = try contact()
            var a: String? = nil
            if let n = m.optional("account") {
                if case .scalar(.null) = n.kind { a = nil } else { a = try ValueDecoding.id(n, what: "account") }
            }
            kind = .contactCreate(contact: c, account: a, fields: try fields())
        case .contactMove: kind = .contactMove(contact: try contact(), account: try account())
        case .marketoAccountEdit: kind = .marketoAccountEdit(contact: try contact(), fields: try fields())
        case .marketoAccountCreate: kind = .marketoAccountCreate(account: try account(), fields: try fields())
        case .configure:
            var change = RuleChange()
            for e in m.entries where !commonKeys.contains(e.key) {
                try RulesDecoder.apply(key: e.key, value: e.value, to: &change)
            }
            kind = .configure(change)
        }
        return (Event(at: at ?? 0, kind: kind, note: note), at)
    }
}
