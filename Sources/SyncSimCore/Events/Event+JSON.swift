extension Event {
    /// The event as a JSON object with the keys a scenario file uses (`at` in seconds).
    public var json: JSON {
        var o: [String: JSON] = ["at": .int(at), "type": .string(typeName)]
        if let note { o["note"] = .string(note) }
        switch kind {
        case .accountCreate(let a, let f), .accountUpdate(let a, let f):
            o["account"] = .string(a)
            o["fields"] = .fields(f)
        case .accountDelete(let a):
            o["account"] = .string(a)
        case .contactCreate(let c, let a, let f):
            o["contact"] = .string(c)
            if let a { o["account"] = .string(a) }
            if !f.isEmpty { o["fields"] = .fields(f) }
        case .contactMove(let c, let a):
            o["contact"] = .string(c)
            o["account"] = .string(a)
        case .marketoAccountEdit(let c, let f):
            o["contact"] = .string(c)
            o["fields"] = .fields(f)
        case .marketoAccountCreate(let a, let f):
            o["account"] = .string(a)
            if !f.isEmpty { o["fields"] = .fields(f) }
        case .configure(let change):
            for (k, v) in change.jsonMembers { o[k] = v }
        }
        return .object(o)
    }

    /// An event from the UTF-8 bytes of its JSON text (as a log stores it): the fast decoder
    /// for plain JSON, the general one (with its precise errors) for anything else.
    public init(canonicalUTF8 bytes: [UInt8]) throws(DecodeError) {
        self = try bytes.withUnsafeBufferPointer { b throws(DecodeError) in try Event(canonicalUTF8: b) }
    }

    /// ``init(canonicalUTF8:)`` from bytes lent for the call (a row's column, read in place).
    public init(canonicalUTF8 bytes: UnsafeBufferPointer<UInt8>) throws(DecodeError) {
        if let fast = FastEventDecoder.decode(bytes) {
            self = fast
        } else {
            self = try EventDecoder.decode(try JSONReader.parse(String(decoding: bytes, as: UTF8.self))).event
        }
    }

    /// Decodes an event from its canonical JSON text (as stored in a log).
    public init(canonicalJSON text: String) throws(DecodeError) {
        try self.init(canonicalUTF8: Array(text.utf8))
    }
}

extension RuleChange {
    /// The keys this change sets, as JSON members.
    public var jsonMembers: [String: JSON] {
        var o: [String: JSON] = [:]
        if let v = interval { o["interval"] = .int(v) }
        if let v = duration { o["duration"] = .int(v) }
        if let v = start { o["start"] = .int(v) }
        if let v = origin { o["origin"] = .string(v.text) }
        if let v = fields {
            switch v {
            case .all: o["fields"] = .string("all")
            case .list(let names): o["fields"] = .array(names.map(JSON.string))
            }
        }
        if let v = unreadable { o["unreadable"] = .array(v.map(JSON.string)) }
        if let v = activityLimit { o["activityLimit"] = .int(v) }
        if let v = overwrite { o["overwrite"] = .string(v.rawValue) }
        if let v = capacity {
            switch v {
            case .unlimited: o["capacity"] = .string("unlimited")
            case .records(let n): o["capacity"] = .int(n)
            }
        }
        if let v = queueOrder { o["queueOrder"] = .string(v.rawValue) }
        if let v = filter {
            switch v {
            case .none: o["filter"] = .string("none")
            case .field(let f): o["filter"] = .string(f)
            }
        }
        return o
    }
}

extension SyncRules {
    /// Every rule as a change that sets all keys of version 1, and the keys of version 2 that
    /// differ from their defaults (so that a log of version 1's rules keeps its bytes).
    public var asChange: RuleChange {
        RuleChange(interval: interval, duration: duration, start: start, fields: fields,
                   unreadable: unreadable, activityLimit: activityLimit, overwrite: overwrite,
                   capacity: capacity == .unlimited ? nil : capacity,
                   queueOrder: queueOrder == .modified ? nil : queueOrder,
                   filter: filter == .none ? nil : filter, origin: origin == .epoch ? nil : origin)
    }

    /// Every rule key and its value, the defaults of version 2 included (to compare two rule sets).
    public var everyMember: [String: JSON] {
        var change = asChange
        (change.capacity, change.queueOrder, change.filter, change.origin) = (capacity, queueOrder, filter, origin)
        return change.jsonMembers
    }

    /// The rules as a JSON object with every key of version 1 and the others that are set.
    public var json: JSON { .object(asChange.jsonMembers) }

    /// The rules a change gives when applied to the defaults.
    public init(_ change: RuleChange) {
        self.init()
        apply(change)
    }
}
