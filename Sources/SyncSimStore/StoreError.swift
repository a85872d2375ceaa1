import SyncSimCore

/// An error of the event log, with the path and, where it applies, the event's sequence number.
public enum StoreError: Error, Sendable, CustomStringConvertible {
    /// The file cannot be used as a log (missing, foreign, unreadable, newer schema...).
    case unusable(path: String, reason: String)
    /// The target of a new log already exists.
    case exists(path: String, reason: String)
    /// A stored event or header does not decode or does not check out.
    case corrupt(path: String, seq: Int, reason: String)
    /// Another process holds the log's writer lock.
    case busy(path: String, reason: String)
    /// SQLite refused an operation.
    case database(path: String, reason: String)

    /// The error on one line; control characters are shown escaped, never raw.
    public var description: String { ValueDecoding.printable(text) }

    private var text: String {
        switch self {
        case .unusable(let path, let reason): return "\(path): error: \(reason)"
        case .exists(let path, let reason): return "\(path): error: \(reason)"
        case .corrupt(let path, let seq, let reason): return "\(path): error: event #\(seq): \(reason)"
        case .database(let path, let reason): return "\(path): error: \(reason)"
        case .busy(let path, let reason): return "\(path): error: \(reason)"
        }
    }
}
