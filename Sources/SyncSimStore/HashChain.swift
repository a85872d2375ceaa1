import Crypto
import SyncSimCore

/// The hash chain over a log's rows: each row's hash is the SHA-256 of the previous
/// row's hash, then `SEQ\nPAYLOAD\n`, then `r:REASON` for a rejected event.
public enum HashChain {
    private static let newline: [UInt8] = [0x0A]

    /// The hash before the first row.
    public static let genesis = [UInt8](repeating: 0, count: 32)

    /// The hash of a row given the previous row's hash.
    public static func hash(previous: [UInt8], seq: Int, payload: [UInt8], rejected: String?) -> [UInt8] {
        var h = SHA256()
        h.update(data: previous)
        var w = JSONWriter(capacity: 24)
        w.integer(Int64(seq))
        w.byte(0x0A)
        h.update(data: w.bytes)
        h.update(data: payload)
        if let rejected {
            h.update(data: Array(("\nr:" + rejected).utf8))
        } else {
            h.update(data: newline)
        }
        return h.finalize().withUnsafeBytes { Array($0) }
    }

    /// The hash of a row whose payload is text.
    public static func hash(previous: [UInt8], seq: Int, payload: String, rejected: String?) -> [UInt8] {
        hash(previous: previous, seq: seq, payload: Array(payload.utf8), rejected: rejected)
    }
}
