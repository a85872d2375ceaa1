/// Byte strings end to end in one buffer, each found by its index: a batch of them is two
/// allocations rather than one per string (events' canonical JSON, from the reading thread of an
/// import to the commit of its rows).
public struct PackedBytes: Sendable {
    /// Every string's bytes, end to end.
    public private(set) var bytes: [UInt8] = []
    /// Where each string ends in ``bytes``.
    @usableFromInline private(set) var ends: [Int] = []

    /// Room for `count` strings of `bytes` bytes in all.
    public init(count: Int = 0, bytes total: Int = 0) {
        ends.reserveCapacity(count)
        bytes.reserveCapacity(total)
    }

    /// How many strings there are.
    public var count: Int { ends.count }

    /// Where string `i` lies in ``bytes``.
    @inlinable
    public func range(_ i: Int) -> Range<Int> { (i == 0 ? 0 : ends[i - 1])..<ends[i] }

    /// The bytes of string `i`.
    @inlinable
    public subscript(i: Int) -> ArraySlice<UInt8> { bytes[range(i)] }

    /// Appends a string (copied).
    public mutating func append(_ string: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: string)
        ends.append(bytes.count)
    }

    public mutating func append(_ string: ArraySlice<UInt8>) { string.withUnsafeBufferPointer { append($0) } }
}
