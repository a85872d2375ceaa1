/// An account's first write, and contacts that reach Marketo before their company *(model
/// choices)*.
///
/// The format (5.1): because a contact can be carried before its account reaches Marketo, a
/// contact carried while its account has no Marketo company is linked to that account's id and
/// shows no account values until the company exists. When a company is first written, the
/// contacts already linked to its account show its values at once and get no activity for them
/// (inherited values). An account that reaches Marketo for the first time is written whole
/// (every synced field), whatever its carried events name.
public enum FirstWriteRule {
    /// Whether a cycle writes every synced field of an account, whatever its carried events name:
    /// when its company is new, or written again after being stale (R11).
    public static func writesWhole(companyIsNew: Bool, filter: FilterOutcome) -> Bool {
        companyIsNew || filter == .writtenWholeAgain
    }

    /// Whether the writes that create a company log activities: no, its contacts inherit them.
    public static func firstWriteLogsActivities(companyIsNew: Bool) -> Bool { !companyIsNew }
}
