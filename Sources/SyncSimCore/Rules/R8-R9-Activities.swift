/// R8: "A change of an account field in Dynamics logs a 'Change Data Value' activity on each
/// contact of that account ..."
/// R9: "... except when the account has more than 5,000 contacts: the change still syncs, but no
/// activity is logged."
///
/// The format: whenever a cycle or a `marketo.account.edit` changes the value a contact shows for
/// a field (old differs from new), each contact of that account gets one activity for that
/// field, unless the account then has more than `activityLimit` contacts in Marketo: then the
/// value changes but no activity is logged for any of its contacts (`activityLimit: 5000` keeps
/// 5,000 exactly under the limit).
public enum ActivityRule {
    /// Whether a change of a company field logs an activity on each of its `members` contacts.
    /// A company with no contacts logs none.
    public static func logs(members: Int, limit: Int64) -> Bool {
        members > 0 && Int64(members) <= limit
    }

    /// Whether a write changes what the contacts show (and so may log an activity): values
    /// compare as JSON scalars (``Value``).
    public static func changes(from old: Value, to new: Value) -> Bool { old != new }
}
