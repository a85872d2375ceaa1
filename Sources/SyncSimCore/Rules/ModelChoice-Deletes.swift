/// Deleted accounts *(model choice)*.
///
/// The format: `dynamics.account.delete` deletes the account in Dynamics (the Dynamics side then
/// holds no values for it). At the next cycle Marketo marks its company `deletedInDynamics`,
/// keeps its values and contacts, and gets no further updates for it. An account deleted by a
/// cycle's start is not written; one created and deleted before the same cycle never reaches
/// Marketo.
public enum DeleteRule {
    /// What a cycle does with an account deleted in Dynamics by its start.
    public enum Outcome: Equatable, Sendable {
        /// Its company is marked `deletedInDynamics` now.
        case markDeleted
        /// Its company was marked before: nothing changes.
        case alreadyMarked
        /// Marketo never had a company for it, and never will.
        case neverReached
    }

    /// What a cycle does with a deleted account, given Marketo's company for it.
    public static func outcome(companyExists: Bool, markedDeleted: Bool) -> Outcome {
        guard companyExists else { return .neverReached }
        return markedDeleted ? .alreadyMarked : .markDeleted
    }
}
