/// The event types of the format: the one list that type names, their indices (the log's
/// `type` column), the keys each takes, the decoders and the snapshots' tags derive from.
/// A new event type is a case here, a case of ``Event/Kind``, and what the rules do with it.
public enum EventType: Int, CaseIterable, Sendable {
    case accountCreate, accountUpdate, accountDelete, contactCreate, contactMove
    case marketoAccountEdit, marketoAccountCreate, configure

    /// The name used in files, such as `dynamics.account.update`, as static bytes (the fast
    /// writers copy them as they are).
    public var staticName: StaticString {
        switch self {
        case .accountCreate: return "dynamics.account.create"
        case .accountUpdate: return "dynamics.account.update"
        case .accountDelete: return "dynamics.account.delete"
        case .contactCreate: return "dynamics.contact.create"
        case .contactMove: return "dynamics.contact.move"
        case .marketoAccountEdit: return "marketo.account.edit"
        case .marketoAccountCreate: return "marketo.account.create"
        case .configure: return "sync.configure"
        }
    }

    /// Every type's name, by raw value.
    public static let names: [String] = allCases.map { $0.staticName.description }

    /// The name used in files.
    public var name: String { Self.names[rawValue] }

    /// The type a name in a file names, nil if none.
    public init?(name: String) {
        guard let i = Self.names.firstIndex(of: name) else { return nil }
        self.init(rawValue: i)
    }

    /// The keys an event of this type takes besides `at`, `type` and `note`: required, then optional.
    public var keys: (required: [String], optional: [String]) {
        switch self {
        case .accountCreate, .accountUpdate: return (["account", "fields"], [])
        case .accountDelete: return (["account"], [])
        case .contactCreate: return (["contact"], ["account", "fields"])
        case .contactMove: return (["contact", "account"], [])
        case .marketoAccountEdit: return (["contact", "fields"], [])
        case .marketoAccountCreate: return (["account"], ["fields"])
        case .configure: return ([], RulesDecoder.ruleKeys)
        }
    }

    /// Whether a sync cycle carries events of this type from Dynamics to Marketo.
    public var isDynamics: Bool { self.rawValue <= Self.contactMove.rawValue }

    /// Whether it is an event of a Dynamics account record (create, update, delete).
    public var isAccountRecord: Bool { self.rawValue <= Self.accountDelete.rawValue }

    /// The tag of a waiting event of this type in a snapshot: 1 and up for the Dynamics types,
    /// which wait for cycles; 0 (the event as canonical JSON) for the others.
    var snapshotTag: UInt8 { isDynamics ? UInt8(rawValue + 1) : 0 }
}
