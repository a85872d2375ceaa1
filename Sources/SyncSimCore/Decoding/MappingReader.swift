/// Reads the keys of one mapping node, reporting missing and unknown keys with their positions.
public struct MappingReader {
    public let node: SourceNode
    public let entries: [SourceNode.Entry]

    /// Fails unless `node` is a mapping; `what` names it in the error ("an event").
    public init(_ node: SourceNode, what: String) throws(DecodeError) {
        guard case .mapping(let entries) = node.kind else {
            throw DecodeError("expected \(what) (a mapping), found \(node.shapeName)", at: node.position)
        }
        self.node = node
        self.entries = entries
    }

    /// The entry of `key`: a linear search, faster than hashing for the few keys of an event.
    private func entry(_ key: String) -> SourceNode.Entry? {
        for e in entries where e.key == key { return e }
        return nil
    }

    /// Whether the mapping has `key`.
    public func has(_ key: String) -> Bool { entry(key) != nil }

    /// The value of `key`, if present.
    public func optional(_ key: String) -> SourceNode? { entry(key)?.value }

    /// The value of `key`, or an error at the mapping saying it is missing.
    public func required(_ key: String, in what: String) throws(DecodeError) -> SourceNode {
        guard let v = entry(key)?.value else {
            throw DecodeError("missing key '\(key)' in \(what)", at: node.position)
        }
        return v
    }

    /// Fails at the first key (in file order) that is not in `allowed`.
    public func rejectUnknown(_ allowed: [String], in what: String) throws(DecodeError) {
        for e in entries where !allowed.contains(e.key) {
            throw DecodeError(
                "unknown key '\(e.key)' in \(what) (expected one of: \(allowed.joined(separator: ", ")))",
                at: e.keyPosition)
        }
    }

    /// The position of `key` itself, or of the mapping when the key is absent.
    public func keyPosition(_ key: String) -> SourcePosition {
        entry(key)?.keyPosition ?? node.position
    }

    /// The position of the value of `key`, or of the mapping when the key is absent.
    public func valuePosition(_ key: String) -> SourcePosition {
        entry(key)?.value.position ?? node.position
    }
}
