import Crypto
import SyncSimCore

/// The hash chain over a log's rows: each row's hash is the SHA-256 of the previous
/// row's hash, then `SEQ\nPAYLOAD\n`, then `r:REASON` for a rejected event.
public enum HashChain {
    /// The hash before the first row.
    public static let genesis = [UInt8](repeating: 0, count: 32)

    /// The hash of a row given the previous row's hash, over the row's bytes gathered in
    /// `scratch` (kept by the caller between rows: the writer and `verify` chain every row).
    public static func hash<Payload: Sequence<UInt8>>(previous: [UInt8], seq: Int, payload: Payload, rejected: String?,
                                                      scratch: inout [UInt8]) -> [UInt8] {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: previous)
        scratch.append(contentsOf: String(seq).utf8)  // a small string: no allocation
        scratch.append(0x0A)
        scratch.append(contentsOf: payload)
        if let rejected {
            scratch.append(contentsOf: "\nr:".utf8)
            scratch.append(contentsOf: rejected.utf8)
        } else {
            scratch.append(0x0A)
        }
        return SHA256.hash(data: scratch).withUnsafeBytes { Array($0) }
    }
}
