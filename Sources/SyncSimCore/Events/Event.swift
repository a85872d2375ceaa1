/// One input event: something that happens in Dynamics or Marketo at an instant.
public struct Event: Sendable, Equatable {
    /// When it happens, in seconds of simulated time.
    public var at: Seconds
    /// What happens.
    public var kind: Kind
    /// Free text shown in narrations.
    public var note: String?

    public init(at: Seconds, kind: Kind, note: String? = nil) {
        self.at = at
        self.kind = kind
        self.note = note
    }

    /// The event types of the format.
    public enum Kind: Sendable, Equatable {
        case accountCreate(account: String, fields: EventFields)
        case accountUpdate(account: String, fields: EventFields)
        case accountDelete(account: String)
        case contactCreate(contact: String, account: String?, fields: EventFields)
        case contactMove(contact: String, account: String)
        case marketoAccountEdit(contact: String, fields: EventFields)
        case marketoAccountCreate(account: String, fields: EventFields)
        case configure(RuleChange)
    }

    /// The type name used in files, such as `dynamics.account.update`.
    public var typeName: String { kind.typeName }

    /// Whether a sync cycle carries this event from Dynamics to Marketo.
    public var isDynamics: Bool {
        switch kind {
        case .accountCreate, .accountUpdate, .accountDelete, .contactCreate, .contactMove: return true
        case .marketoAccountEdit, .marketoAccountCreate, .configure: return false
        }
    }

    /// The account this event names, if any.
    public var account: String? {
        switch kind {
        case .accountCreate(let a, _), .accountUpdate(let a, _), .accountDelete(let a),
             .contactMove(_, let a), .marketoAccountCreate(let a, _):
            return a
        case .contactCreate(_, let a, _): return a
        case .marketoAccountEdit, .configure: return nil
        }
    }

    /// The contact this event names, if any.
    public var contact: String? {
        switch kind {
        case .contactCreate(let c, _, _), .contactMove(let c, _), .marketoAccountEdit(let c, _): return c
        default: return nil
        }
    }
}

extension Event.Kind {
    /// Every event type name of the format, in the order the format lists them.
    public static let typeNames = [
        "dynamics.account.create", "dynamics.account.update", "dynamics.account.delete",
        "dynamics.contact.create", "dynamics.contact.move", "marketo.account.edit",
        "marketo.account.create", "sync.configure",
    ]

    /// The type name used in files.
    public var typeName: String { Self.typeNames[typeIndex] }

    /// The index of this event's type in ``typeNames``.
    public var typeIndex: Int {
        switch self {
        case .accountCreate: return 0
        case .accountUpdate: return 1
        case .accountDelete: return 2
        case .contactCreate: return 3
        case .contactMove: return 4
        case .marketoAccountEdit: return 5
        case .marketoAccountCreate: return 6
        case .configure: return 7
        }
    }
}
