/// Checkpoints stored as patches of the one before them.
///
/// Most of a snapshot does not change from one checkpoint to the next: the names and rejections
/// only grow, and between two checkpoints only some of the accounts and chunks of contacts
/// change. A patch holds the snapshot as its parts in order, each a range of the previous
/// snapshot's bytes (what did not change) or bytes of its own, so it is a fraction of the
/// snapshot, and so are the bytes a log takes in and copies through its write-ahead log.
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
        applyPatches([patch], to: base)
    }

    /// The snapshot the last of `patches` stands for, where each patches the snapshot the one
    /// before it stands for, and the first patches `base`; nil if one is damaged or does not fit.
    /// The chain is resolved first, range by range, back to `base` or the patch that wrote each
    /// byte, and the snapshot then copied once: the snapshots between, each megabytes of new
    /// memory to fill, are never made.
    public static func applyPatches(_ patches: [[UInt8]], to base: [UInt8]) -> [UInt8]? {
        guard !patches.isEmpty else { return base }
        // Each patch's parts, and the length of the snapshot it stands for.
        var parsed: [(length: Int, parts: [PatchPart])] = []
        parsed.reserveCapacity(patches.count)
        var previousLength = base.count
        for patch in patches {
            guard let p = PatchPart.parse(patch, over: previousLength) else { return nil }
            parsed.append(p)
            previousLength = p.length
        }
        // The last snapshot's bytes as pieces, from the last patch back: a piece is bytes of
        // patch `source` (its own), or, with `source` -1, a range of the snapshot before the
        // patches being resolved, until that is `base`.
        var pieces = parsed[parsed.count - 1].parts.map { Piece(source: $0.old ? -1 : patches.count - 1, offset: $0.source, count: $0.count) }
        for j in stride(from: patches.count - 2, through: 0, by: -1) {
            let parts = parsed[j].parts
            var resolved: [Piece] = []
            resolved.reserveCapacity(pieces.count + parts.count)
            for piece in pieces where piece.count > 0 {
                guard piece.source < 0 else { resolved.append(piece); continue }
                // The parts of patch j that the range covers (it lies within its snapshot).
                var lo = piece.offset
                let hi = piece.offset + piece.count
                var k = PatchPart.index(of: lo, in: parts)
                while lo < hi {
                    let part = parts[k]
                    let n = min(hi, part.start + part.count) - lo
                    resolved.append(Piece(source: part.old ? -1 : j, offset: part.source + (lo - part.start), count: n))
                    lo += n
                    k += 1
                }
            }
            pieces = resolved
        }
        let length = parsed[parsed.count - 1].length
        return [UInt8](unsafeUninitializedCapacity: length) { out, written in
            base.withUnsafeBufferPointer { baseBytes in
                for piece in pieces {
                    let destination = out.baseAddress! + written
                    if piece.source < 0 {
                        destination.initialize(from: baseBytes.baseAddress! + piece.offset, count: piece.count)
                    } else {
                        patches[piece.source].withUnsafeBufferPointer { destination.initialize(from: $0.baseAddress! + piece.offset, count: piece.count) }
                    }
                    written += piece.count
                }
            }
        }
    }

    /// Bytes of a snapshot being put together from a chain of patches.
    private struct Piece {
        var source: Int
        var offset: Int
        var count: Int
    }
}

/// A part of a patch: `count` bytes at `start` of the snapshot it stands for, taken from
/// `source` of the snapshot it patches (`old`) or of the patch itself.
struct PatchPart {
    var start: Int
    var count: Int
    var old: Bool
    var source: Int

    /// The parts of a patch and the length of its snapshot, each part checked to lie within the
    /// patch or within the `previous` bytes of the snapshot it patches, and the parts to make
    /// up that length exactly; nil if the patch is damaged.
    static func parse(_ patch: [UInt8], over previous: Int) -> (length: Int, parts: [PatchPart])? {
        var r = SnapshotReader(bytes: patch)
        guard (try? r.uint()) == Projector.patchMarker, (try? r.uint()) != nil,
              let length = try? r.uint(), length <= UInt64(Int32.max),
              let count = try? r.uint(), count <= UInt64(patch.count) else { return nil }
        var parts: [PatchPart] = []
        parts.reserveCapacity(Int(count))
        var position = 0
        for _ in 0..<count {
            guard let tagged = try? r.uint(), tagged >> 1 <= UInt64(Int(length) - position) else { return nil }
            let n = Int(tagged >> 1)
            if tagged & 1 == 1 {
                guard let offset = try? r.uint(), offset <= UInt64(previous), n <= previous - Int(offset) else { return nil }
                parts.append(PatchPart(start: position, count: n, old: true, source: Int(offset)))
            } else {
                guard n <= patch.count - r.i else { return nil }
                parts.append(PatchPart(start: position, count: n, old: false, source: r.i))
                r.i += n
            }
            position += n
        }
        guard position == Int(length), r.atEnd else { return nil }
        return (Int(length), parts)
    }

    /// The index of the part that holds byte `position` of the snapshot (one does: the parts
    /// cover it end to end); parts of no bytes are passed over.
    static func index(of position: Int, in parts: [PatchPart]) -> Int {
        var (lo, hi) = (0, parts.count - 1)
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if parts[mid].start <= position { lo = mid } else { hi = mid - 1 }
        }
        while parts[lo].count == 0 || parts[lo].start + parts[lo].count <= position { lo += 1 }
        return lo
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
