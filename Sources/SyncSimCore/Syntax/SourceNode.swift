/// A place in an input text: 1-based line and column (columns count Unicode scalars).
public struct SourcePosition: Sendable, Equatable, Comparable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (a: SourcePosition, b: SourcePosition) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }
}

/// A parsed YAML or JSON document that remembers where each value stood,
/// so that every input error can name its line and column.
public struct SourceNode: Sendable {
    /// One key of a mapping, with where the key itself stands.
    public struct Entry: Sendable {
        public var key: String
        public var keyPosition: SourcePosition
        public var value: SourceNode

        public init(key: String, keyPosition: SourcePosition, value: SourceNode) {
            self.key = key
            self.keyPosition = keyPosition
            self.value = value
        }
    }

    /// The shape of a node.
    public enum Kind: Sendable {
        case scalar(Value)
        case mapping([Entry])
        case sequence([SourceNode])
    }

    public var kind: Kind
    public var position: SourcePosition
    /// The text as written, for unquoted YAML scalars (so `007` can still be an id).
    public var plainText: String?

    public init(_ kind: Kind, at position: SourcePosition, plainText: String? = nil) {
        self.kind = kind
        self.position = position
        self.plainText = plainText
    }

    /// A short name of the node's shape, for error messages.
    public var shapeName: String {
        switch kind {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let v):
            switch v {
            case .null: return "null"
            case .bool: return "a boolean"
            case .number: return "a number"
            case .string: return "a string"
            }
        }
    }
}

/// An input error at a place in a document.
public struct DecodeError: Error, Sendable, Equatable {
    public var position: SourcePosition
    public var message: String

    public init(_ message: String, at position: SourcePosition) {
        self.message = message
        self.position = position
    }
}
