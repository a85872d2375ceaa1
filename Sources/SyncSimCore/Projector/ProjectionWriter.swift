import Crypto

/// A projector's whole projection, written member by member in canonical order rather than
/// built whole: `show` of a log with hundreds of thousands of contacts holds one contact's view
/// at a time, not a dictionary of all of them, the JSON tree made of it and its text.
///
/// What it writes is what ``Projector/projection(contacts:accounts:)`` gives without a filter:
/// ``writeJSON(extra:to:)`` the bytes of that projection's ``Projection/json``, ``digest()``
/// its ``Projection/digest``.
public struct ProjectionWriter {
    public let projector: Projector
    /// The accounts and the contacts in Marketo, in key order (by UTF-8 bytes).
    public let accountIDs: [String]
    public let contactIDs: [String]

    /// The same, as the projector's dense ids.
    private let accountOrder: [Int32]
    private let contactOrder: [Int32]
    /// By field id: its place among the field names in key order. A company's values are
    /// kept by field id; they are written in name order.
    private let fieldRank: [Int32]
    /// By field id: `"name":` as JSON bytes, encoded once rather than for every company and contact.
    private let fieldKeys: [[UInt8]]

    public init(_ projector: Projector) {
        self.projector = projector
        accountOrder = Self.sorted(projector.accountNames.names.indices.lazy.filter {
            projector.companies[$0] != nil || projector.dynamicsAccounts[$0].map { !$0.deleted } == true
        }.map { Int32($0) }, names: projector.accountNames)
        contactOrder = Self.sorted(projector.contacts.indices.lazy.filter { projector.contacts[$0] != nil }.map { Int32($0) },
                                   names: projector.contactNames)
        accountIDs = accountOrder.map { projector.accountNames[$0] }
        contactIDs = contactOrder.map { projector.contactNames[$0] }
        var rank = [Int32](repeating: 0, count: projector.fieldNames.names.count)
        for (place, id) in Self.sorted(rank.indices.map { Int32($0) }, names: projector.fieldNames).enumerated() { rank[Int(id)] = Int32(place) }
        fieldRank = rank
        fieldKeys = projector.fieldNames.names.map { name in
            var w = JSONWriter(capacity: name.utf8.count + 3)
            w.string(name)
            w.byte(UInt8(ascii: ":"))
            return w.bytes
        }
    }

    /// Dense ids in the order of their names (UTF-8 bytes).
    private static func sorted<S: Sequence<Int32>>(_ ids: S, names: Interner) -> [Int32] {
        ids.sorted { CanonicalJSON.utf8Less(names[$0], names[$1]) }
    }

    public var at: Seconds { projector.now }
    public var rejected: [Rejection] { projector.rejections }

    /// The digest of the state (contacts, accounts, rejected), hashed as it is written.
    public func digest() -> String {
        write(extra: [:], to: nil)
    }

    /// Writes `show --json`'s object to `out`, in pieces of about 64 KiB, and returns its digest.
    /// `extra` holds members whose keys sort after `rejected` (such as `why`).
    @discardableResult
    public func writeJSON(extra: [String: JSON] = [:], to out: ([UInt8]) -> Void) -> String {
        withoutActuallyEscaping(out) { write(extra: extra, to: $0) }
    }

    /// The object is `{"accounts":…,"at":…,"contacts":…,"digest":…,"queue":…,"rejected":…}`, the
    /// digest that of `{"accounts":…,"contacts":…,"queue":…,"rejected":…}`: the accounts and
    /// contacts go to both, the instant to the output only, and the queue and the rejections, once
    /// encoded, to the digest, then after it.
    private func write(extra: [String: JSON], to out: (([UInt8]) -> Void)?) -> String {
        precondition(extra.keys.allSatisfy { CanonicalJSON.utf8Less("rejected", $0) }, "extra members sort after `rejected`")
        var w = JSONWriter(capacity: 1 << 17)
        var hasher = SHA256()
        /// Hands on what was written since the last pass, to the digest, the output, or both.
        func pass(_ w: inout JSONWriter, hash: Bool = true, output: Bool = true) {
            if hash { w.bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) } }
            if output, let out { out(w.bytes) }
            w.bytes.removeAll(keepingCapacity: true)
        }
        w.byte(UInt8(ascii: "{"))
        w.key("accounts")
        w.members(accountOrder, key: { projector.accountNames[$0] }, write: account) { pass(&$0) }
        pass(&w)
        w.raw(",\"at\":")
        w.integer(at)
        pass(&w, hash: false)
        w.raw(",\"contacts\":")
        w.members(contactOrder, key: { projector.contactNames[$0] }, write: contact) { pass(&$0) }
        pass(&w)
        let tailAt = w.bytes.count
        w.raw(",\"queue\":")
        w.write(projector.queue.json)
        w.raw(",\"rejected\":")
        w.write(.array(rejected.map(\.json)))
        let tailJSON = w.bytes[tailAt...]
        w.byte(UInt8(ascii: "}"))
        pass(&w, output: false)
        let digest = "sha256:" + CanonicalJSON.hex(hasher.finalize())
        guard out != nil else { return digest }
        w.raw(",\"digest\":")
        w.string(digest)
        w.bytes.append(contentsOf: tailJSON)
        for key in CanonicalJSON.sorted(extra.keys) {
            w.byte(UInt8(ascii: ","))
            w.string(key)
            w.byte(UInt8(ascii: ":"))
            w.write(extra[key]!)
        }
        w.byte(UInt8(ascii: "}"))
        pass(&w, hash: false)
        return digest
    }

    /// The bytes of ``Projection/AccountView/json`` of the account with id `a`, written from the
    /// projector's state (without the view's dictionaries or a JSON tree).
    private func account(_ a: Int32, _ w: inout JSONWriter) {
        let company = projector.companies[Int(a)]
        let dynamics = projector.dynamicsAccounts[Int(a)].flatMap { $0.deleted ? nil : $0 }
        w.raw("{\"deletedInDynamics\":")
        w.raw(company?.deletedInDynamics == true ? "true" : "false")
        w.raw(",\"dynamics\":")
        if let dynamics { fields(dynamics.fields, &w) } else { w.raw("null") }
        w.raw(",\"marketo\":")
        if let company { fields(company.fields, &w) } else { w.raw("null") }
        w.raw(",\"stale\":")
        w.raw(company?.stale == true ? "true" : "false")
        w.byte(UInt8(ascii: "}"))
    }

    /// The bytes of ``Projection/ContactView/json`` of the contact with id `c`.
    private func contact(_ c: Int32, _ w: inout JSONWriter) {
        let mc = projector.contacts[Int(c)]!
        let tally = projector.tally(mc)
        w.raw("{\"account\":")
        if let a = mc.account { w.string(projector.accountNames[a]) } else { w.raw("null") }
        w.raw(",\"activities\":")
        w.integer(Int64(tally.total))
        w.raw(",\"activitiesBySource\":{\"dynamics\":")
        w.integer(Int64(tally.dynamics))
        w.raw(",\"marketo\":")
        w.integer(Int64(tally.marketo))
        w.raw("},\"fields\":")
        if let open = mc.open, let company = projector.companies[Int(open.account)] { fields(company.fields, &w) } else { w.raw("{}") }
        w.byte(UInt8(ascii: "}"))
    }

    /// Field values as an object in name order.
    private func fields(_ values: FieldValues, _ w: inout JSONWriter) {
        var entries = values.entries
        // Kept in id order, sorted here by rank (a local reference: a closure that captured
        // the writer copied the whole writer at every comparison).
        let rank = fieldRank
        rank.withUnsafeBufferPointer { rank in
            if zip(entries, entries.dropFirst()).contains(where: { rank[Int($0.field)] > rank[Int($1.field)] }) {
                entries.sort { rank[Int($0.field)] < rank[Int($1.field)] }
            }
        }
        w.byte(UInt8(ascii: "{"))
        for (i, e) in entries.enumerated() {
            if i > 0 { w.byte(UInt8(ascii: ",")) }
            w.bytes.append(contentsOf: fieldKeys[Int(e.field)])
            w.value(e.value)
        }
        w.byte(UInt8(ascii: "}"))
    }
}
