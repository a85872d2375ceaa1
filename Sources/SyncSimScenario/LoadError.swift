import SyncSimCore

/// An input error in a scenario file or event stream, printed as `FILE:LINE:COLUMN: error: WHAT`.
public struct LoadError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var position: SourcePosition?
    public var message: String

    public init(file: String, position: SourcePosition?, message: String) {
        self.file = file
        self.position = position
        self.message = message
    }

    public init(file: String, _ error: DecodeError) {
        self.init(file: file, position: error.position, message: error.message)
    }

    /// The error on one line; control characters from the input are shown escaped, never raw.
    public var description: String {
        let file = ValueDecoding.printable(self.file)
        let message = ValueDecoding.printable(self.message)
        if let p = position { return "\(file):\(p.line):\(p.column): error: \(message)" }
        return "\(file): error: \(message)"
    }
}
