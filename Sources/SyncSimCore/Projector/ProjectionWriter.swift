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

    /// The object is `{"accounts":…,"at":…,"contacts":…,"digest":…,"rejected":…}`, the digest that
    /// of `{"accounts":…,"contacts":…,"rejected":…}`: the accounts and contacts go to both, the
    /// instant to the output only, and the rejections, once encoded, to the digest, then after it.
    private func write(extra: [String: JSON], to out: (([UInt8]) -> Void)?) -> String {
        precondition(extra.keys.allSatisfy { CanonicalJSON.utf8Less("rejected", $0) }, "extra members sort after `rejected`")
        var sink = Sink(out: out)
        sink.w.byte(UInt8(ascii: "{"))
        sink.w.key("accounts")
        members(accountIDs, &sink) { projector.accountView($0).json }
        sink.pass(hash: true, output: true)
        sink.w.raw(",\"at\":")
        sink.w.integer(at)
        sink.pass(hash: false, output: true)
        sink.w.raw(",\"contacts\":")
        members(contactIDs, &sink) { projector.contactView($0).json }
        sink.pass(hash: true, output: true)
        sink.w.raw(",\"rejected\":")
        let rejectedAt = sink.w.bytes.count
        sink.w.write(.array(rejected.map(\.json)))
        let rejectedJSON = sink.w.bytes[rejectedAt...]
        sink.w.byte(UInt8(ascii: "}"))
        sink.pass(hash: true, output: false)
        let digest = "sha256:" + CanonicalJSON.hex(sink.hasher.finalize())
        guard out != nil else { return digest }
        sink.w.raw(",\"digest\":")
        sink.w.string(digest)
        sink.w.raw(",\"rejected\":")
        sink.w.bytes.append(contentsOf: rejectedJSON)
        for key in CanonicalJSON.sorted(extra.keys) {
            sink.w.byte(UInt8(ascii: ","))
            sink.w.string(key)
            sink.w.byte(UInt8(ascii: ":"))
            sink.w.write(extra[key]!)
        }
        sink.w.byte(UInt8(ascii: "}"))
        sink.pass(hash: false, output: true)
        return digest
    }

    /// Writes an object of `keys` (in order) and their values, passing on what is written as it
    /// grows, to the output and the digest.
    private func members(_ keys: [String], _ sink: inout Sink, _ value: (String) -> JSON) {
        sink.w.byte(UInt8(ascii: "{"))
        for (i, key) in keys.enumerated() {
            if i > 0 { sink.w.byte(UInt8(ascii: ",")) }
            sink.w.string(key)
            sink.w.byte(UInt8(ascii: ":"))
            sink.w.write(value(key))
            if sink.w.bytes.count >= Sink.piece { sink.pass(hash: true, output: true) }
        }
        sink.w.byte(UInt8(ascii: "}"))
    }

    /// Bytes written, on their way to the output and the digest.
    private struct Sink {
        static let piece = 1 << 16
        var w = JSONWriter(capacity: 2 * piece)
        var hasher = SHA256()
        let out: (([UInt8]) -> Void)?

        /// Hands on what was written since the last pass, to the digest, the output, or both.
        mutating func pass(hash: Bool, output: Bool) {
            if hash { w.bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) } }
            if output, let out { out(w.bytes) }
            w.bytes.removeAll(keepingCapacity: true)
        }
    }
}
