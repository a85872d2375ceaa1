extension Projector {
    /// The fingerprint worked out afresh from the whole state: the plain reference for the one
    /// that ``fingerprint`` follows change by change (tests hold them equal after every event).
    func recomputedFingerprint() -> Fingerprint {
        var f = Fingerprint()
        for ai in dynamicsAccounts.indices {
            guard let d = dynamicsAccounts[ai] else { continue }
            let a = accountNames.hash(Int32(ai))
            f.add(.dynamics(a, deleted: d.deleted))
            for e in d.fields.entries { f.add(.dynamicsField(a, fieldNames.hash(e.field), e.value)) }
        }
        for ai in companies.indices {
            guard let c = companies[ai] else { continue }
            let a = accountNames.hash(Int32(ai))
            f.add(.company(a, deleted: c.deletedInDynamics))
            f.add(.tally(a, c.tally))
            if c.stale { f.add(.stale(a)) }
            for e in c.fields.entries { f.add(.field(a, fieldNames.hash(e.field), e.value)) }
        }
        for ci in contacts.indices {
            guard let mc = contacts[ci] else { continue }
            let c = contactNames.hash(Int32(ci))
            f.add(.contact(c, mc.account.map(accountNames.hash)))
            f.add(.closed(c, mc.closed))
            if let open = mc.open { f.add(.open(c, accountNames.hash(open.account), open.from)) }
        }
        for r in rejections { f.add(.rejection(r.at, r.type, r.reason, r.account, r.contact)) }
        f.add(.queue(queue))
        return f
    }
}
