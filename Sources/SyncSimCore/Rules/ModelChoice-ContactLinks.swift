/// Contacts and their links *(model choices)*.
///
/// The format: `dynamics.contact.create` makes the contact appear in Marketo at the next cycle,
/// linked to the account; `dynamics.contact.move` relinks it at the next cycle, and it shows the
/// new account's Marketo values. A cycle writes contacts after accounts, the carried creates and
/// moves in log order. Contacts linked by a create or move get no activity for the values they
/// inherit, and no activity is logged for the move.
///
/// Version 2 (5.0): a contact is linked to the account id its carried events name, even while
/// that account has no Marketo company (it then shows no account values), and when the account
/// never reaches Marketo.
public enum ContactLinkRule {
    /// The account a contact carried by a cycle is linked to: the one its event names (nil: a
    /// create without an account).
    public static func linkedAccount(named account: String?) -> String? { account }
}
