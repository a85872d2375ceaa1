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
        /// Held out of line: rule changes are rare, and a large payload would make every event
        /// larger to copy.
        indirect case configure(RuleChange)
    }

    /// The type name used in files, such as `dynamics.account.update`.
    public var typeName: String { kind.typeName }

    /// Whether a sync cycle carries this event from Dynamics to Marketo.
    public var isDynamics: Bool { kind.type.isDynamics }

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
    public static var typeNames: [String] { EventType.names }

    /// The event's type.
    public var type: EventType {
        switch self {
        case .accountCreate: return .accountCreate
        case .accountUpdate: return .accountUpdate
        case .accountDelete: return .accountDelete
        case .contactCreate: return .contactCreate
        case .contactMove: return .contactMove
        case .marketoAccountEdit: return .marketoAccountEdit
        case .marketoAccountCreate: return .marketoAccountCreate
        case .configure: return .configure
        }
    }

    /// The type name used in files.
    public var typeName: String { type.name }

    /// The index of this event's type in ``typeNames`` (the log's `type` column).
    public var typeIndex: Int { type.rawValue }
}
