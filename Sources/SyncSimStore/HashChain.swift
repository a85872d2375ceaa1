import Crypto

/// The hash chain over a log's rows: each row's hash covers its sequence number,
/// canonical payload and rejection reason, and the previous row's hash.
public enum HashChain {
    /// The hash before the first row.
    public static let genesis = [UInt8](repeating: 0, count: 32)

    /// The hash of a row given the previous row's hash.
    public static func hash(previous: [UInt8], seq: Int, payload: String, rejected: String?) -> [UInt8] {
        var h = SHA256()
        h.update(data: previous)
        var text = String(seq)
        text += "\n"
        text += payload
        text += "\n"
        if let rejected { text += "r:" + rejected }
        h.update(data: Array(text.utf8))
        return Array(h.finalize())
    }
}
