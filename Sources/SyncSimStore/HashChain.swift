import Crypto
import SyncSimCore

/// The hash chain over a log's rows: each row's hash is the SHA-256 of the previous
/// row's hash, then `SEQ\nPAYLOAD\n`, then `r:REASON` for a rejected event.
public enum HashChain {
    /// The hash before the first row.
    public static let genesis = [UInt8](repeating: 0, count: 32)

    /// Replaces `hash`, the previous row's hash, by the hash of the row, over the row's bytes
    /// gathered in `scratch` (kept by the caller between rows: the writer and `verify` chain
    /// every row, and neither allocates per row).
    public static func advance<Payload: Sequence<UInt8>>(_ hash: inout [UInt8], seq: Int, payload: Payload, rejected: String?,
                                                         scratch: inout [UInt8]) {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: hash)
        appendDecimal(seq, to: &scratch)
        scratch.append(0x0A)
        scratch.append(contentsOf: payload)
        if let rejected {
            scratch.append(contentsOf: "\nr:".utf8)
            scratch.append(contentsOf: rejected.utf8)
        } else {
            scratch.append(0x0A)
        }
        let digest = SHA256.hash(data: scratch)
        hash.removeAll(keepingCapacity: true)
        digest.withUnsafeBytes { hash.append(contentsOf: $0) }
    }

    /// Appends the decimal digits of `n` (not negative), as `String(n)` spells them, from the
    /// most significant one.
    static func appendDecimal(_ n: Int, to bytes: inout [UInt8]) {
        precondition(n >= 0, "sequence numbers are not negative")
        var power = 1
        while power <= n / 10 { power *= 10 }
        while power > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(n / power % 10))
            power /= 10
        }
    }
}
