/// R6: "Only the fields selected at set-up sync."
/// R7: "Only the fields the Dynamics sync user can read sync."
///
/// The format: the synced fields are the selected fields (`all`: every field name that a carried
/// Dynamics account event has named) less the unreadable ones. A field that becomes synced later
/// shows once the account's next Dynamics update is carried; one that stops being synced keeps
/// its last value.
extension SyncRules {
    /// Whether a cycle under these rules syncs `field`; `named` tells whether a carried Dynamics
    /// account event has named it so far (what `fields: all` selects).
    public func syncDecision(_ field: String, named: Bool) -> SyncDecision {
        if unreadable.contains(field) { return .skip(.unreadable) }
        switch fields {
        case .all: return named ? .sync : .skip(.notNamed)
        case .list(let names): return names.contains(field) ? .sync : .skip(.notSelected)
        }
    }
}

/// Whether a field syncs, and if not, why (R6, R7).
public enum SyncDecision: Equatable, Sendable {
    case sync
    case skip(SkipReason)

    /// Whether the field syncs.
    public var syncs: Bool { self == .sync }
}

/// Why a field does not sync.
public enum SkipReason: String, Sendable, Equatable {
    /// Not among the fields selected for sync (R6).
    case notSelected
    /// The Dynamics sync user cannot read it (R7).
    case unreadable
    /// `fields: all`, and no carried Dynamics account event has named it yet.
    case notNamed

    /// The reason in words, with the rule it comes from.
    public var text: String {
        switch self {
        case .notSelected: return "it is not among the fields selected for sync (R6)"
        case .unreadable: return "the Dynamics sync user cannot read it (R7)"
        case .notNamed: return "no Dynamics event has named it yet (R6, fields: all)"
        }
    }
}

/// Which account fields were selected for sync at set-up (R6).
public enum FieldSelection: Sendable, Equatable {
    /// Every field name that a carried Dynamics account event has named.
    case all
    /// Only these fields.
    case list([String])
}
