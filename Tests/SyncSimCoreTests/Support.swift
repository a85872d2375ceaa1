import SyncSimCore

/// Builds events tersely for tests.
enum E {
    static func s(_ v: String) -> Value { .string(v) }
    static func create(_ at: Seconds, _ a: String, _ f: EventFields = [:]) -> Event {
        Event(at: at, kind: .accountCreate(account: a, fields: f))
    }
    static func update(_ at: Seconds, _ a: String, _ f: EventFields) -> Event {
        Event(at: at, kind: .accountUpdate(account: a, fields: f))
    }
    static func delete(_ at: Seconds, _ a: String) -> Event { Event(at: at, kind: .accountDelete(account: a)) }
    static func contact(_ at: Seconds, _ c: String, _ a: String?) -> Event {
        Event(at: at, kind: .contactCreate(contact: c, account: a, fields: [:]))
    }
    static func move(_ at: Seconds, _ c: String, _ a: String) -> Event { Event(at: at, kind: .contactMove(contact: c, account: a)) }
    static func edit(_ at: Seconds, _ c: String, _ f: EventFields) -> Event {
        Event(at: at, kind: .marketoAccountEdit(contact: c, fields: f))
    }
    static func mcreate(_ at: Seconds, _ a: String) -> Event { Event(at: at, kind: .marketoAccountCreate(account: a, fields: [:])) }
    static func configure(_ at: Seconds, _ c: RuleChange) -> Event { Event(at: at, kind: .configure(c)) }
}

/// Folds `events` and returns the projector advanced to `at`.
func project(_ events: [Event], rules: SyncRules = SyncRules(), at: Seconds) -> Projector {
    var p = Projector(rules: rules, keepingActivityRecords: true)
    for (i, e) in events.enumerated() where e.at <= at { p.apply(e, seq: i + 1) }
    p.advance(to: at)
    return p
}
