/// Checkpoints stored as patches of the one before them.
///
/// Most of a snapshot does not change from one checkpoint to the next: the names and rejections
/// only grow, and between two checkpoints of a million-event import a third of the accounts and a
/// quarter of the chunks of contacts change. A patch holds the snapshot as its parts in order,
/// each a range of the previous snapshot's bytes (what did not change) or bytes of its own, so
/// it is a fraction of the snapshot (1.3 of 4.3 MB on average there), and the bytes a log takes
/// in, and copies through its write-ahead log, are about halved.
///
/// A snapshot is stored whole after at most ``patchChain`` patches, so that the snapshot of any
/// checkpoint is read from at most ``patchChain`` + 1 stored ones.
///
/// Layout: `uint(patchMarker)`, `uint(base)` (the sequence number of the checkpoint it patches,
/// the one before it), `uint(length)` (the snapshot's), `uint(parts)`, then each part:
/// `uint(count << 1 | 1)` and `uint(offset)` for a range of the base's snapshot, or
/// `uint(count << 1)` and its bytes.
extension Projector {
    /// The first number of a patch (a whole snapshot starts with its format, ``snapshotVersion``).
    static let patchMarker: UInt64 = 100 + snapshotVersion

    /// Patches at most between two whole snapshots.
    public static let patchChain = 3

    /// A checkpoint of this projector as a log stores it: the snapshot
    /// (``snapshot(reusing:)``), or a patch of the last one `cache` took when it is smaller and
    /// fewer than ``patchChain`` patches follow the last whole snapshot. A log must hold the
    /// cache's last snapshot as its checkpoint just before this one (the importer stores every
    /// snapshot it takes, and starts a new cache when it resumes).
    public func checkpoint(reusing cache: SnapshotCache) -> [UInt8] {
        let (bytes, patch) = snapshot(reusing: cache, patch: cache.patchesInARow < Self.patchChain)
        if let patch, patch.count < bytes.count {
            cache.patchesInARow += 1
            return patch
        }
        cache.patchesInARow = 0
        return bytes
    }

    /// If `stored` is a patch: the sequence number of the checkpoint it patches.
    public static func patchBase(_ stored: [UInt8]) -> Int? {
        var r = SnapshotReader(bytes: stored)
        guard (try? r.uint()) == patchMarker, let base = try? r.uint(), base < UInt64(Int.max) else { return nil }
        return Int(base)
    }

    /// The snapshot a patch stands for, from the snapshot of the checkpoint it patches; nil if
    /// the patch is damaged or does not fit that snapshot.
    public static func applyPatch(_ patch: [UInt8], to base: [UInt8]) -> [UInt8]? {
        var r = SnapshotReader(bytes: patch)
        guard (try? r.uint()) == patchMarker, (try? r.uint()) != nil,
              let length = try? r.uint(), length <= UInt64(Int32.max), let parts = try? r.uint() else { return nil }
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: Int(length)) { out, written in
            patch.withUnsafeBufferPointer { patchBytes in
                base.withUnsafeBufferPointer { baseBytes in
                    var k: UInt64 = 0
                    while k < parts {
                        guard let tagged = try? r.uint() else { failed = true; return }
                        let count = Int(tagged >> 1)
                        guard tagged >> 1 <= UInt64(out.count - written) else { failed = true; return }
                        let source: UnsafePointer<UInt8>
                        if tagged & 1 == 1 {
                            guard let offset = try? r.uint(), offset <= UInt64(baseBytes.count),
                                  count <= baseBytes.count - Int(offset) else { failed = true; return }
                            source = baseBytes.baseAddress! + Int(offset)
                        } else {
                            guard count <= patchBytes.count - r.i else { failed = true; return }
                            source = patchBytes.baseAddress! + r.i
                            r.i += count
                        }
                        (out.baseAddress! + written).initialize(from: source, count: count)
                        written += count
                        k += 1
                    }
                }
            }
            if written != out.count { failed = true }
        }
        return failed || !r.atEnd ? nil : bytes
    }
}

extension SnapshotAssembly {
    /// The snapshot as a patch of `old`'s bytes (see ``Projector/checkpoint(reusing:)``), whose
    /// checkpoint is `base`.
    func patch(of base: Int) -> [UInt8] {
        fresh.withBytes { fresh in
            var w = SnapshotWriter(capacity: 64 + 4 * parts.count + parts.reduce(0) { $0 + ($1.old ? 0 : $1.range.count) })
            w.uint(Projector.patchMarker)
            w.uint(UInt64(base))
            w.uint(UInt64(position))
            w.uint(UInt64(parts.count))
            for p in parts {
                w.uint(UInt64(p.range.count) << 1 | (p.old ? 1 : 0))
                if p.old {
                    w.uint(UInt64(p.range.lowerBound))
                } else {
                    w.append(UnsafeBufferPointer(rebasing: fresh[p.range]))
                }
            }
            return w.bytes
        }
    }
}
