extension Projector {
    /// Checks the projector's internal consistency; returns the first violation found.
    /// Called after every step by the property tests.
    public func invariantViolation() -> String? {
        for (a, company) in companies.sorted(by: { $0.key < $1.key }) {
            for c in company.members.sorted() where contacts[c]?.account != a {
                return "company \(a) lists \(c), whose account is \(contacts[c]?.account ?? "none")"
            }
            if company.fields.values.contains(where: \.isNull) { return "company \(a) stores a null field" }
        }
        for (c, mc) in contacts.sorted(by: { $0.key < $1.key }) {
            if let a = mc.account {
                guard companies[a]?.members.contains(c) == true else { return "contact \(c) not listed by company \(a)" }
                guard let open = mc.open, open.account == a, open.to == nil else {
                    return "contact \(c) has no open membership of \(a)"
                }
            } else if mc.open != nil {
                return "contact \(c) has an open membership but no account"
            }
            if keepsActivityRecords {
                let list = activities(of: c)
                if activityCount(of: c) != list.count { return "contact \(c) activity count disagrees with its activities" }
                if activityTally(of: c).dynamics != list.filter({ $0.source == .dynamics }).count {
                    return "contact \(c) dynamics count disagrees with its activities"
                }
            }
        }
        return nil
    }
}
