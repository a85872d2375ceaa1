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

    public init(_ projector: Projector) {
        self.projector = projector
        accountIDs = projector.accountIDs
        contactIDs = projector.marketoContactIDs
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
        w.members(accountIDs, key: { $0 }, value: { projector.accountView($0).json }) { pass(&$0) }
        pass(&w)
        w.raw(",\"at\":")
        w.integer(at)
        pass(&w, hash: false)
        w.raw(",\"contacts\":")
        w.members(contactIDs, key: { $0 }, value: { projector.contactView($0).json }) { pass(&$0) }
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
}
