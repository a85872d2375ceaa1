/// R4: "The next time the account is updated in Dynamics, Dynamics' values replace all the
/// account information in Marketo: the local edit is lost."
///
/// The format, for each account that a cycle carries a create or update of:
/// - `overwrite: all` (the documented reading, default): every synced field of the Marketo
///   company is set to the Dynamics value, so every local edit of a synced field is lost. This
///   happens for any Dynamics update of the account, even one that touches only unsynced fields
///   *(model choice)*.
/// - `overwrite: changed`: only the synced fields named in the carried events are set; other
///   local edits survive.
/// Fields that are not synced are never written by a cycle, so a local edit of one stays. The
/// value written is the Dynamics value as of the cycle's start (no value: the field is cleared).
extension SyncRules {
    /// Whether a cycle writes a field to the company of an account it carries a create or update
    /// of: `synced` is the field's R6/R7 decision, `named` whether the account's carried events
    /// name it, `whole` whether the account is written whole (``FirstWriteRule``).
    public func cycleWrites(synced: Bool, named: Bool, whole: Bool = false) -> Bool {
        guard synced else { return false }
        if whole { return true }
        switch overwrite {
        case .all: return true
        case .changed: return named
        }
    }

    /// Whether every account a cycle writes gets the same fields (every synced one), so that an
    /// engine can work the list out once per cycle rather than once per account.
    public var writesEverySyncedField: Bool { cycleWrites(synced: true, named: false) }
}

/// What a cycle writes to an account that Dynamics updated (R4).
public enum Overwrite: String, Sendable, Equatable, CaseIterable {
    /// Every synced field is set to the Dynamics value (the documented reading).
    case all
    /// Only the synced fields named in the carried events are set.
    case changed
}
