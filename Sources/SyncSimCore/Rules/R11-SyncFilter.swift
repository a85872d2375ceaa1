/// R11: "A boolean field on a Dynamics record, `new_synctomkto`, filters the sync: absent, empty
/// or Yes syncs; only an explicit No skips the record. No to Yes: Marketo updates the record if
/// it has it, and creates it otherwise. Yes to No: the record is not deleted; it stops getting
/// updates and goes stale."
///
/// The format (5.2): with a filter field F, an account is *filtered out* while its Dynamics value
/// of F is exactly `false`. A cycle reads F and the `filter` setting as of its start. When a
/// cycle carries an account that is not deleted:
/// - filtered out, and Marketo has no company for it: nothing is written;
/// - filtered out, and Marketo has its company: nothing is written; the company keeps its values
///   and is marked `stale`; local edits on it survive;
/// - not filtered out, and its company is stale: the company is written whole (every synced
///   field, whatever `overwrite` says) and is no longer stale *(model choice)*;
/// - otherwise: as in version 1.
/// Deletes are not filtered (a carried delete marks the company `deletedInDynamics` and it is no
/// longer stale). The events of a filtered-out account still count as carried. Contacts are not
/// filtered.
extension SyncRules {
    /// Whether an account whose Dynamics value of the filter field is `value` (nil: no value) is
    /// filtered out.
    public func filtersOut(filterValue value: Value?) -> Bool {
        guard case .field = filter else { return false }
        return value == .bool(false)
    }

    /// What a cycle does with a carried account that is not deleted.
    public static func filterOutcome(filteredOut: Bool, companyExists: Bool, stale: Bool) -> FilterOutcome {
        switch (filteredOut, companyExists) {
        case (true, false): return .skipped
        case (true, true): return .goesStale
        case (false, true) where stale: return .writtenWholeAgain
        case (false, _): return .synced
        }
    }
}

/// What the sync filter makes of a carried account.
public enum FilterOutcome: Equatable, Sendable {
    /// Filtered out, and Marketo has no company for it: it does not reach Marketo.
    case skipped
    /// Filtered out, and Marketo has its company: nothing is written; the company is stale.
    case goesStale
    /// Syncs again after being stale: written whole.
    case writtenWholeAgain
    /// Syncs as in version 1.
    case synced
}

/// The sync filter setting.
public enum SyncFilter: Equatable, Sendable {
    /// No filter: every account syncs.
    case none
    /// This Dynamics field filters accounts.
    case field(String)

    /// The filter field's name, if one is set.
    public var fieldName: String? {
        if case .field(let f) = self { return f }
        return nil
    }
}
