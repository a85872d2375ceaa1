#if canImport(CDigest)
import CDigest
#else
import Crypto
#endif
import SyncSimCore

/// The hash chain over a log's rows: each row's hash is the SHA-256 of the previous
/// row's hash, then `SEQ\nPAYLOAD\n`, then `r:REASON` for a rejected event.
public enum HashChain {
    /// The hash before the first row.
    public static let genesis = [UInt8](repeating: 0, count: 32)

    /// Replaces `hash`, the previous row's hash, by the hash of the row. The row's parts are
    /// gathered into one buffer on the stack and hashed in one call: each call into the hasher
    /// costs about as much as hashing a block, and a row is two or three blocks. On Linux the
    /// call is BoringSSL's own one-shot `SHA256` (``CDigest``), whose context stays on the stack:
    /// swift-crypto's `SHA256.hash(data:)` allocates, copies and wipes one for each call, which
    /// made the chain 1.5 times as slow (258 against 175 ns a row, `syncsim-bench chain`).
    public static func advance(_ hash: inout [UInt8], seq: Int, payload: UnsafeRawBufferPointer, rejected: String?) {
        var rejected = rejected
        let capacity = hash.count + 21 + payload.count + 3 + (rejected?.utf8.count ?? 0)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
            // Written through a moving pointer, not a counter captured by a nested function:
            // a captured variable is checked for exclusive access at run time on every use.
            var p = UnsafeMutableRawPointer(buffer.baseAddress!)
            hash.withUnsafeBytes { h in
                if let base = h.baseAddress { p.copyMemory(from: base, byteCount: h.count) }
                p += h.count
            }
            p += writeDecimal(seq, into: UnsafeMutableBufferPointer(start: p.assumingMemoryBound(to: UInt8.self), count: 21))
            p.storeBytes(of: 0x0A, as: UInt8.self)
            p += 1
            if let base = payload.baseAddress { p.copyMemory(from: base, byteCount: payload.count) }
            p += payload.count
            p.storeBytes(of: 0x0A, as: UInt8.self)
            p += 1
            if rejected != nil {
                p.storeBytes(of: UInt8(ascii: "r"), as: UInt8.self)
                (p + 1).storeBytes(of: UInt8(ascii: ":"), as: UInt8.self)
                p += 2
                rejected!.withUTF8 { r in
                    if let base = r.baseAddress { p.copyMemory(from: base, byteCount: r.count) }
                    p += r.count
                }
            }
            let n = p - UnsafeMutableRawPointer(buffer.baseAddress!)
            if hash.count != 32 { hash = [UInt8](repeating: 0, count: 32) }
            hash.withUnsafeMutableBufferPointer { out in
                #if canImport(CDigest)
                _ = CCryptoBoringSSL_SHA256(buffer.baseAddress!, n, out.baseAddress!)
                #else
                let digest = SHA256.hash(data: UnsafeRawBufferPointer(start: buffer.baseAddress!, count: n))
                digest.withUnsafeBytes { UnsafeMutableRawBufferPointer(out).copyMemory(from: $0) }
                #endif
            }
        }
    }

    /// Writes the decimal digits of `n` (not negative), as `String(n)` spells them, at the
    /// start of `buffer` (at least 20 bytes); returns how many.
    static func writeDecimal(_ n: Int, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        precondition(n >= 0, "sequence numbers are not negative")
        var count = 1
        var rest = n / 10
        while rest > 0 { count += 1; rest /= 10 }
        // From the last digit back: one division by ten (a multiplication) per digit.
        var v = n
        for i in stride(from: count - 1, through: 0, by: -1) {
            buffer[i] = UInt8(ascii: "0") + UInt8(v % 10)
            v /= 10
        }
        return count
    }
}
