/// R2: "Account sync is one way only: Dynamics to Marketo."
/// R3: "Editing an Account field for one contact in Marketo changes the value for every Marketo
/// contact of that account. It is not sent to Dynamics."
/// R5: "Marketo cannot create accounts in Dynamics."
///
/// The format: a `marketo.account.edit` takes effect at once on the company of the contact, so
/// every contact of the account shows it; Dynamics never sees it. It is rejected (recorded with a
/// reason, no effect) on a contact that is not in Marketo yet, or whose Marketo company does not
/// exist yet. A `marketo.account.create` is always rejected, whatever the id.
public enum MarketoEditRule {
    /// Where a Marketo edit lands: the company of the contact it is made on (R3). `Account`
    /// names the account: its id, or an engine's number for it.
    public enum Target<Account: Sendable>: Sendable {
        /// The edit applies to this account's company, so to every contact linked to it.
        case company(account: Account)
        /// The edit is rejected, for this reason.
        case rejected(reason: String)
    }

    /// Where an edit made on `contact` lands, given whether the contact is in Marketo and the
    /// account whose Marketo company it shows (nil: no company).
    public static func target<Account>(contact: String, inMarketo: Bool, company account: Account?) -> Target<Account> {
        guard inMarketo else {
            return .rejected(reason: "contact '\(contact)' is not in Marketo yet: it arrives with the next sync cycle")
        }
        guard let account else { return .rejected(reason: "contact '\(contact)' has no company in Marketo yet") }
        return .company(account: account)
    }

    /// Why a `marketo.account.create` is rejected (R5): always.
    public static let accountCreateRejection = "Marketo cannot create accounts in Dynamics (R5)"

}
