/// A snapshot put together from ranges of the last snapshot's bytes (what did not change) and
/// of bytes written for this one, each copied once into the result.
struct SnapshotAssembly: ~Copyable {
    /// Bytes written for this snapshot, in the order they were written (not the snapshot's).
    private(set) var fresh: SnapshotWriter
    /// The snapshot's parts in order: a range of the last snapshot's bytes (`old`) or of `fresh`.
    private(set) var parts: [(old: Bool, range: Range<Int>)] = []
    /// The snapshot's length so far.
    private(set) var position = 0

    init(capacity: Int) {
        fresh = SnapshotWriter(capacity: capacity)
    }

    /// Writes bytes without placing them: their range in the fresh bytes, to ``place(fresh:)`` later.
    mutating func encode(_ body: (inout SnapshotWriter) -> Void) -> Range<Int> {
        let start = fresh.count
        body(&fresh)
        return start..<fresh.count
    }

    /// Writes bytes and places them next.
    mutating func write(_ body: (inout SnapshotWriter) -> Void) {
        place(fresh: encode(body))
    }

    mutating func place(fresh range: Range<Int>) { add(old: false, range) }
    mutating func place(old range: Range<Int>) { add(old: true, range) }

    private mutating func add(old: Bool, _ range: Range<Int>) {
        guard !range.isEmpty else { return }
        position += range.count
        // Ranges that follow each other where they come from are copied as one.
        if let last = parts.last, last.old == old, last.range.upperBound == range.lowerBound {
            parts[parts.count - 1].range = last.range.lowerBound..<range.upperBound
        } else {
            parts.append((old, range))
        }
    }

    /// The snapshot, its parts copied from `old` (the last snapshot's bytes) and the fresh bytes.
    func bytes(old: [UInt8]) -> [UInt8] {
        let parts = self.parts
        return fresh.withBytes { fresh in
            old.withUnsafeBufferPointer { old in
                Array(unsafeUninitializedCapacity: position) { out, count in
                    for p in parts {
                        let source = p.old ? old : fresh
                        (out.baseAddress! + count).initialize(from: source.baseAddress! + p.range.lowerBound, count: p.range.count)
                        count += p.range.count
                    }
                }
            }
        }
    }
}
