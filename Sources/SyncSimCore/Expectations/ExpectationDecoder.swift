/// Decodes `expect:` entries.
public enum ExpectationDecoder {
    static let checkKeys = ["fields", "account", "activities", "dynamics", "marketo", "rejected", "inMarketo", "deletedInDynamics",
                            "queue", "pending", "stale"]

    /// Decodes one entry of `expect:`.
    public static func decode(_ node: SourceNode) throws(DecodeError) -> Expectation {
        let m = try MappingReader(node, what: "an expectation")
        try m.rejectUnknown(["at", "contact"] + checkKeys, in: "an expectation")
        let at = try ValueDecoding.time(try m.required("at", in: "the expectation"), what: "at")
        var checks: [Expectation.Check] = []
        let subject: Expectation.Subject
        if let c = m.optional("contact") {
            subject = .contact(try ValueDecoding.id(c, what: "contact"))
            for k in ["dynamics", "marketo", "deletedInDynamics", "stale"] where m.has(k) {
                throw DecodeError("'\(k)' checks an account: use `account: ID` without `contact:`", at: m.keyPosition(k))
            }
            if let a = m.optional("account") {
                if case .scalar(.null) = a.kind { checks.append(.account(nil)) }
                else { checks.append(.account(try ValueDecoding.id(a, what: "account"))) }
            }
            if let f = m.optional("fields") { checks.append(.fields(try ValueDecoding.fields(f))) }
            if let n = m.optional("activities") { checks.append(try activities(n)) }
        } else if let a = m.optional("account") {
            subject = .account(try ValueDecoding.id(a, what: "account"))
            for k in ["fields", "activities"] where m.has(k) {
                throw DecodeError("'\(k)' checks a contact: add `contact: ID`", at: m.keyPosition(k))
            }
            if let n = m.optional("dynamics") { checks.append(.dynamics(try ValueDecoding.fields(n))) }
            if let n = m.optional("marketo") { checks.append(.marketo(try ValueDecoding.fields(n))) }
            if let n = m.optional("deletedInDynamics") {
                checks.append(.deletedInDynamics(try ValueDecoding.bool(n, what: "deletedInDynamics")))
            }
            if let n = m.optional("stale") { checks.append(.stale(try ValueDecoding.bool(n, what: "stale"))) }
        } else {
            subject = .log
            for k in ["fields", "activities", "dynamics", "marketo", "inMarketo", "deletedInDynamics", "pending", "stale"] where m.has(k) {
                throw DecodeError("'\(k)' needs a `contact:` or `account:` to check", at: m.keyPosition(k))
            }
            if let n = m.optional("queue") { checks.append(try queue(n)) }
        }
        if case .log = subject {} else if m.has("queue") {
            throw DecodeError("'queue' checks the whole sync queue: write it without `contact:` or `account:`", at: m.keyPosition("queue"))
        }
        if let n = m.optional("pending") { checks.append(.pending(try ValueDecoding.bool(n, what: "pending"))) }
        if let n = m.optional("inMarketo") { checks.append(.inMarketo(try ValueDecoding.bool(n, what: "inMarketo"))) }
        if let n = m.optional("rejected") { checks.append(.rejected(try ValueDecoding.count(n, what: "rejected"))) }
        if checks.isEmpty {
            throw DecodeError("the expectation checks nothing (expected one of: \(checkKeys.joined(separator: ", ")))", at: node.position)
        }
        return Expectation(at: at, subject: subject, checks: checks, position: node.position)
    }

    /// `queue: {records: N, oldest: T|null}`, either key or both.
    private static func queue(_ node: SourceNode) throws(DecodeError) -> Expectation.Check {
        let m = try MappingReader(node, what: "queue")
        try m.rejectUnknown(["records", "oldest"], in: "queue")
        let records = try m.optional("records").map { n throws(DecodeError) in try ValueDecoding.count(n, what: "records") }
        var oldest: Seconds? = nil
        if let n = m.optional("oldest") {
            if case .scalar(.null) = n.kind {} else { oldest = try ValueDecoding.time(n, what: "oldest") }
        }
        guard records != nil || m.has("oldest") else {
            throw DecodeError("the queue check checks nothing (expected records, oldest or both)", at: node.position)
        }
        return .queue(records: records, oldest: oldest, checksOldest: m.has("oldest"))
    }

    private static func activities(_ node: SourceNode) throws(DecodeError) -> Expectation.Check {
        if case .scalar = node.kind {
            return .activities(count: try ValueDecoding.count(node, what: "activities"), source: nil, field: nil)
        }
        let m = try MappingReader(node, what: "activities")
        try m.rejectUnknown(["count", "source", "field"], in: "activities")
        let count = try ValueDecoding.count(try m.required("count", in: "activities"), what: "count")
        var source: ActivitySource? = nil
        if let s = m.optional("source") {
            guard case .scalar(.string(let t)) = s.kind, let src = ActivitySource(rawValue: t) else {
                throw DecodeError("expected source: dynamics or marketo", at: s.position)
            }
            source = src
        }
        var field: String? = nil
        if let f = m.optional("field") {
            guard let t = ValueDecoding.nameText(f) else {
                throw DecodeError("expected field: a field name, found \(f.shapeName)", at: f.position)
            }
            field = try ValueDecoding.fieldName(t, at: f.position)
        }
        return .activities(count: count, source: source, field: field)
    }
}
