extension Projector {
    /// Evaluates the checks of `expectation` against the current state.
    public func evaluate(_ expectation: Expectation) -> [CheckResult] {
        expectation.checks.map { check in
            let (expected, actual) = compare(check, subject: expectation.subject)
            return CheckResult(expectation: expectation, check: check, expected: expected, actual: actual,
                               passed: Self.matches(expected, actual))
        }
    }

    /// Two JSON trees match when their scalars are equal as values (`1` equals `1.0`).
    static func matches(_ a: JSON, _ b: JSON) -> Bool {
        switch (a, b) {
        case (.object(let x), .object(let y)):
            return x.count == y.count && x.allSatisfy { k, v in y[k].map { matches(v, $0) } ?? false }
        case (.array(let x), .array(let y)):
            return x.count == y.count && zip(x, y).allSatisfy(matches)
        default:
            return a.scalarValue != nil && a.scalarValue == b.scalarValue
        }
    }

    private func subset(_ wanted: [String: Value], of shown: [String: Value]) -> (JSON, JSON) {
        var actual: [String: JSON] = [:]
        for k in wanted.keys { actual[k] = JSON(shown[k] ?? .null) }
        return (.fields(wanted), .object(actual))
    }

    private func compare(_ check: Expectation.Check, subject: Expectation.Subject) -> (JSON, JSON) {
        let contact: String? = { if case .contact(let c) = subject { return c }; return nil }()
        let account: String? = { if case .account(let a) = subject { return a }; return nil }()
        switch check {
        case .fields(let f):
            return subset(f, of: shownFields(of: contact!))
        case .account(let a):
            return (a.map(JSON.string) ?? .null, marketoAccount(of: contact!).map(JSON.string) ?? .null)
        case .activities(let count, let source, let field):
            let tally = activityTally(of: contact!)
            let n = field == nil
                ? (source.map(tally.count) ?? tally.total)
                : activities(of: contact!).filter { (source == nil || $0.source == source) && $0.field == field }.count
            return (.int(count), .int(n))
        case .dynamics(let f):
            return subset(f, of: dynamicsFields(of: account!) ?? [:])
        case .marketo(let f):
            return subset(f, of: marketoFields(of: account!) ?? [:])
        case .rejected(let n):
            return (.int(n), .int(rejections.count))
        case .inMarketo(let b):
            let exists = contact.map(contactInMarketo) ?? account.map(accountInMarketo) ?? false
            return (.bool(b), .bool(exists))
        case .deletedInDynamics(let b):
            return (.bool(b), .bool(deletedInDynamics(account!)))
        case .queue(let records, _, let checksOldest):
            var actual: [String: JSON] = [:]
            if records != nil { actual["records"] = .int(queue.records) }
            if checksOldest { actual["oldest"] = queue.oldest.map(JSON.int) ?? .null }
            return (check.member.1, .object(actual))
        case .pending(let b):
            let pending = contact.map { isPending(contact: $0) } ?? account.map { isPending(account: $0) } ?? false
            return (.bool(b), .bool(pending))
        case .stale(let b):
            return (.bool(b), .bool(isStale(account!)))
        }
    }
}
