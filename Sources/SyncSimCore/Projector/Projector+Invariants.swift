extension Projector {
    /// Checks the projector's internal consistency; returns the first violation found.
    /// Called after every step by the property tests.
    public func invariantViolation() -> String? {
        for ai in companies.indices {
            guard let company = companies[ai] else { continue }
            let a = accountNames.names[ai]
            for (slot, ci) in company.members.enumerated() where contacts[Int(ci)]?.slot != Int32(slot) {
                return "company \(a) lists \(contactNames[ci]) at slot \(slot), which it does not know"
            }
            for ci in company.members.sorted() where contacts[Int(ci)]?.account != Int32(ai) {
                return "company \(a) lists \(contactNames[ci]), whose account is \(contacts[Int(ci)]?.account.map { accountNames[$0] } ?? "none")"
            }
            if company.fields.entries.contains(where: \.value.isNull) { return "company \(a) stores a null field" }
            if zip(company.fields.entries, company.fields.entries.dropFirst()).contains(where: { $0.field >= $1.field }) {
                return "company \(a) stores its fields out of order or twice"
            }
        }
        for ci in contacts.indices {
            guard let mc = contacts[ci] else { continue }
            let c = contactNames.names[ci]
            if let ai = mc.account, companies[Int(ai)] != nil {
                guard mc.open?.account == ai, companies[Int(ai)]!.members.contains(Int32(ci)), mc.slot >= 0 else {
                    return "contact \(c) not listed by company \(accountNames[ai])"
                }
            } else if mc.slot >= 0 || mc.open != nil {
                return "contact \(c) has a member slot or an open link but no company"
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
