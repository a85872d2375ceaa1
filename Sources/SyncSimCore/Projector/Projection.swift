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
    }

    public var at: Seconds
    public var contacts: [String: ContactView]
    public var accounts: [String: AccountView]
    public var rejected: [Rejection]
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
        var cs: [String: JSON] = [:]
        for (c, v) in contacts {
            cs[c] = .object(["account": v.account.map(JSON.string) ?? .null,
                             "fields": .fields(v.fields), "activities": .int(v.activities),
                             "activitiesBySource": .object(Dictionary(uniqueKeysWithValues: v.activitiesBySource.map { ($0.key.rawValue, JSON.int($0.value)) }))])
        }
        var accs: [String: JSON] = [:]
        for (a, v) in accounts {
            accs[a] = .object(["marketo": v.marketo.map(JSON.fields) ?? .null,
                               "dynamics": v.dynamics.map(JSON.fields) ?? .null,
                               "deletedInDynamics": .bool(v.deletedInDynamics)])
        }
        return ["contacts": .object(cs), "accounts": .object(accs), "rejected": .array(rejected.map(\.json))]
    }

    /// SHA-256 of the canonical state (contacts, accounts, rejected): equal states
    /// give equal digests, whatever the instant, process or machine.
    public var digest: String { CanonicalJSON.digest(of: .object(stateJSON)) }
}
