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
    /// The file is a log whose pages are damaged (cut short, overwritten): SQLite finds it
    /// malformed. `verify` says which events still verify and how to keep them.
    case damaged(path: String, reason: String)
    /// Writing failed: the disk is full, or another input/output error. A writer that meets one
    /// keeps the events it had committed (`events` of them in all), as a kill would.
    case io(path: String, reason: String, events: Int)

    /// The error on one line; control characters are shown escaped, never raw.
    public var description: String { ValueDecoding.printable(text) }

    private var text: String {
        switch self {
        case .unusable(let path, let reason): return "\(path): error: \(reason)"
        case .exists(let path, let reason): return "\(path): error: \(reason)"
        case .corrupt(let path, let seq, let reason): return "\(path): error: event #\(seq): \(reason)"
        case .database(let path, let reason): return "\(path): error: \(reason)"
        case .busy(let path, let reason): return "\(path): error: \(reason)"
        case .damaged(let path, let reason):
            return "\(path): error: the log is damaged (\(reason)); `syncsim verify \(path)` names the events that still verify and how to keep them"
        case .io(let path, let reason, let events):
            if events == 0 { return "\(path): error: \(reason); nothing was committed and no log is left" }
            return "\(path): error: \(reason); the log keeps the \(events) events committed before it. "
                + "Free some space and run the same command again: it goes on from there"
        }
    }
}
