/// A snapshot of what Marketo shows per contact and what each side holds per account.
public struct Projection: Sendable, Equatable {
    /// A contact as Marketo shows it.
    public struct ContactView: Sendable, Equatable {
        public var account: String?
        public var fields: [String: Value]
        public var activities: Int
        /// Activities by source (`dynamics`, `marketo`).
        public var activitiesBySource: [ActivitySource: Int]
    }

    /// An account on both sides: nil where it does not exist on that side.
    public struct AccountView: Sendable, Equatable {
        public var marketo: [String: Value]?
        public var dynamics: [String: Value]?
        public var deletedInDynamics: Bool
        /// Whether the sync filter keeps Marketo's company from getting updates (R11).
        public var stale = false
    }

    public var at: Seconds
    public var contacts: [String: ContactView]
    public var accounts: [String: AccountView]
    public var rejected: [Rejection]
    /// The sync queue (R10).
    public var queue = QueueState(records: 0, oldest: nil)
    /// Whether only some contacts and accounts were asked for (then there is no digest).
    public var partial = false

    /// The projection as the JSON object of `show --json`, digest included.
    public var json: JSON {
        // The state is built once: hashed for the digest, then completed with `at` and `digest`.
        let state = stateJSON
        var body = state
        body["at"] = .int(at)
        if !partial { body["digest"] = .string(CanonicalJSON.digest(of: .object(state))) }
        return .object(body)
    }

    /// The members the digest covers: everything but the instant itself.
    private var stateJSON: [String: JSON] {
        ["contacts": .object(contacts.mapValues(\.json)), "accounts": .object(accounts.mapValues(\.json)),
         "queue": queue.json, "rejected": .array(rejected.map(\.json))]
    }

    /// SHA-256 of the canonical state (contacts, accounts, queue, rejected): equal states
    /// give equal digests, whatever the instant, process or machine.
    public var digest: String { CanonicalJSON.digest(of: .object(stateJSON)) }
}

extension Projection.ContactView {
    /// The contact's member of `contacts` in `show --json`.
    public var json: JSON {
        .object(["account": account.map(JSON.string) ?? .null,
                 "fields": .fields(fields), "activities": .int(activities),
                 "activitiesBySource": .object(Dictionary(uniqueKeysWithValues: activitiesBySource.map { ($0.key.rawValue, JSON.int($0.value)) }))])
    }
}

extension Projection.AccountView {
    /// The account's member of `accounts` in `show --json`.
    public var json: JSON {
        .object(["marketo": marketo.map(JSON.fields) ?? .null,
                 "dynamics": dynamics.map(JSON.fields) ?? .null,
                 "deletedInDynamics": .bool(deletedInDynamics), "stale": .bool(stale)])
    }
}

extension QueueState {
    /// The queue's member of `show --json`: `{"oldest": T|null, "records": N}`.
    public var json: JSON {
        .object(["oldest": oldest.map(JSON.int) ?? .null, "records": .int(records)])
    }
}
