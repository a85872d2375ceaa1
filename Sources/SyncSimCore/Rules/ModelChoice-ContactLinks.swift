/// Contacts and their links *(model choices)*.
///
/// The format: `dynamics.contact.create` makes the contact appear in Marketo at the next cycle,
/// linked to the account; `dynamics.contact.move` relinks it at the next cycle, and it shows the
/// new account's Marketo values. A cycle writes contacts after accounts, the carried creates and
/// moves in log order. Contacts linked by a create or move get no activity for the values they
/// inherit, and no activity is logged for the move.
public enum ContactLinkRule {
    /// The company a contact carried by a cycle is linked to: the account's, if Marketo has a
    /// company for it by then (nil: the contact shows no account).
    public static func linkedCompany(account: String?, companyExists: Bool) -> String? {
        guard let account, companyExists else { return nil }
        return account
    }

    /// Whether a contact logs activities for the values it inherits when linked: no.
    public static let inheritedValuesLogActivities = false
}
