/// Checks the rules of section 2 that span events: time order, ids created once,
/// names of earlier created ids, and nothing done to a deleted account.
///
/// Pure and incremental: feed events in file order.
public struct EventValidator: Sendable {
    /// A broken rule: the event key it concerns and what was expected.
    public struct Issue: Error, Sendable, Equatable {
        public var key: String
        public var message: String
    }

    private var lastAt: Seconds = 0
    /// Ids seen, as the projector keeps them (a fixed hash, no per-process seeded hashing: every
    /// event of an import is checked here).
    private var accounts = Interner()
    /// By account id: whether an earlier event deleted it.
    private var deleted: [Bool] = []
    private var contacts = Interner()
    /// The last account and contact id given to ``prefetch(_:isContact:)``, with their keys: the
    /// checks and the hint of the event being read take them from here rather than hash the ids
    /// again (a key is worked out from the name alone, so an equal name has the same key).
    private var noticedAccount: (id: String, key: Interner.Key)?
    private var noticedContact: (id: String, key: Interner.Key)?

    public init() {}

    /// Checks `event` against the events before it, then records it.
    public mutating func admit(_ event: Event) throws(Issue) {
        if event.at < lastAt {
            throw Issue(key: "at", message: "events must be in non-decreasing time: \(SimTime.format(event.at)) comes after \(SimTime.format(lastAt))")
        }
        switch event.kind {
        case .accountCreate(let a, _):
            if accounts.lookup(a, key: key(a, isContact: false)) != nil { throw Issue(key: "account", message: "account '\(a)' is created twice") }
        case .accountUpdate(let a, _):
            try existingLive(a, doing: "update")
        case .accountDelete(let a):
            try existingLive(a, doing: "delete")
        case .contactCreate(let c, let a, _):
            if contacts.lookup(c, key: key(c, isContact: true)) != nil { throw Issue(key: "contact", message: "contact '\(c)' is created twice") }
            if let a { try existingLive(a, doing: "create a contact in") }
        case .contactMove(let c, let a):
            try existingContact(c)
            try existingLive(a, doing: "move a contact into")
        case .marketoAccountEdit(let c, _):
            try existingContact(c)
        case .marketoAccountCreate, .configure:
            break
        }
        lastAt = event.at
        switch event.kind {
        case .accountCreate(let a, _):
            _ = accounts.id(a, key: key(a, isContact: false))
            deleted.append(false)
        case .accountDelete(let a): deleted[Int(accounts.lookup(a, key: key(a, isContact: false))!)] = true
        case .contactCreate(let c, _, _): _ = contacts.id(c, key: key(c, isContact: true))
        default: break
        }
    }

    /// Asks for the cache line where checking `id` will look (see ``Interner/prefetch(_:)``):
    /// a reader calls it as soon as it has read an event's id, so that the check after the rest
    /// of the line does not wait for memory. Changes nothing: it is `mutating` only so that a
    /// reader's closure reaches the validator in place (called as a non-mutating method from a
    /// closure, the validator was copied, each of its tables retained, for every line).
    public mutating func prefetch(_ id: String, isContact: Bool) {
        let k = Interner.key(id)
        if isContact {
            contacts.prefetch(k)
            noticedContact = (id, k)
        } else {
            accounts.prefetch(k)
            noticedAccount = (id, k)
        }
    }

    /// What a projector's prefetcher asks for when `event`, the one last admitted, is applied
    /// (``Projector/Prefetcher/Hint/of(_:)``), with the keys worked out for its checks.
    public func hint(for event: Event) -> Projector.Prefetcher.Hint {
        Projector.Prefetcher.Hint.of(event) { key($0, isContact: $1) }
    }

    /// The key of an id: the noticed one's if it is that id.
    private func key(_ id: String, isContact: Bool) -> Interner.Key {
        if let n = isContact ? noticedContact : noticedAccount, n.id == id { return n.key }
        return Interner.key(id)
    }

    private func existingLive(_ a: String, doing what: String) throws(Issue) {
        guard let i = accounts.lookup(a, key: key(a, isContact: false)) else {
            throw Issue(key: "account", message: "cannot \(what) account '\(a)': no earlier event created it")
        }
        if deleted[Int(i)] {
            throw Issue(key: "account", message: "cannot \(what) account '\(a)': an earlier event deleted it")
        }
    }

    private func existingContact(_ c: String) throws(Issue) {
        if contacts.lookup(c, key: key(c, isContact: true)) == nil {
            throw Issue(key: "contact", message: "contact '\(c)' is not created by any earlier event")
        }
    }
}
