import Crypto
import SyncSimCore

/// The hash chain over a log's rows: each row's hash is the SHA-256 of the previous
/// row's hash, then `SEQ\nPAYLOAD\n`, then `r:REASON` for a rejected event.
public enum HashChain {
    /// The hash before the first row.
    public static let genesis = [UInt8](repeating: 0, count: 32)

    /// Replaces `hash`, the previous row's hash, by the hash of the row. The row's parts are
    /// hashed where they are, one after another, rather than gathered into one buffer first
    /// (the writer hashes each payload in its batch's buffer, `verify` in its string).
    public static func advance(_ hash: inout [UInt8], seq: Int, payload: UnsafeRawBufferPointer, rejected: String?) {
        var sha = SHA256()
        hash.withUnsafeBytes { sha.update(bufferPointer: $0) }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { digits in
            var n = writeDecimal(seq, into: digits)
            digits[n] = 0x0A
            n += 1
            sha.update(bufferPointer: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: digits[..<n])))
        }
        sha.update(bufferPointer: payload)
        if var rejected {
            withUnsafeBytes(of: (UInt8(0x0A), UInt8(ascii: "r"), UInt8(ascii: ":"))) { sha.update(bufferPointer: $0) }
            rejected.withUTF8 { sha.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        } else {
            withUnsafeBytes(of: UInt8(0x0A)) { sha.update(bufferPointer: $0) }
        }
        let digest = sha.finalize()
        if hash.count != 32 { hash = [UInt8](repeating: 0, count: 32) }
        hash.withUnsafeMutableBytes { out in digest.withUnsafeBytes { out.copyMemory(from: $0) } }
    }

    /// Writes the decimal digits of `n` (not negative), as `String(n)` spells them, at the
    /// start of `buffer` (at least 20 bytes); returns how many.
    static func writeDecimal(_ n: Int, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        precondition(n >= 0, "sequence numbers are not negative")
        var power = 1
        while power <= n / 10 { power *= 10 }
        var count = 0
        while power > 0 {
            buffer[count] = UInt8(ascii: "0") + UInt8(n / power % 10)
            count += 1
            power /= 10
        }
        return count
    }
}
