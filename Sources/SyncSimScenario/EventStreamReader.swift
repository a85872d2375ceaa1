import Foundation
import SyncSimCore

/// Reads a JSON Lines event stream one line at a time, so a stream of any length
/// is read in constant memory. Each event is decoded and checked against the
/// events before it; errors name the file, line and column.
public final class EventStreamReader {
    public var file: String { state.file }
    /// The stream's `sync` rules: its leading `sync.configure` line without `at`, if any.
    public var sync: RuleChange { state.sync }
    /// Events returned so far.
    public var count: Int { state.count }
    /// Bytes of the stream read into lines so far (for progress).
    public var bytesRead: Int { state.bytesRead }
    /// The line of the event last returned when it already is that event's canonical JSON
    /// (``Event/canonicalBytes``), else nil.
    public var canonicalLine: ArraySlice<UInt8>? { state.canonicalLine }

    /// The stream's file, read with `read(2)` into ``State/buffer`` (`FileHandle` reads a
    /// file 4 KB per system call into a new `Data`: 23,000 calls for a million events).
    private let fd: Int32?
    /// Everything that changes as the stream is read, in one value: each event is read in one
    /// access to it (each access to a class's stored property is checked for exclusivity at
    /// run time, and reading an event touched eight of them).
    private var state: State

    fileprivate struct State {
        let file: String
        var sync = RuleChange()
        var count = 0
        var bytesRead = 0
        var canonicalLine: ArraySlice<UInt8>?
        /// Bytes read, of which `start..<end` are not yet taken into lines; past `end`, room
        /// for the next read. Its size changes only for a line longer than it.
        var buffer: [UInt8]
        var start = 0
        var end: Int
        var atEnd: Bool
        var line = 0
        var validator = EventValidator()
        var sawFirst = false
        var bufferCopies = 0
    }

    fileprivate static let chunk = 1 << 20

    /// Opens the stream at `path`.
    public init(path: String) throws(LoadError) {
        var isDir: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDir)
        let fd = exists && !isDir.boolValue ? open(path, O_RDONLY | O_CLOEXEC) : -1
        guard fd >= 0 else {
            throw LoadError(file: path, position: nil, message: "cannot read the file (\(exists ? (isDir.boolValue ? "is a directory" : "permission denied") : "no such file"))")
        }
        self.fd = fd
        state = State(file: path, buffer: [UInt8](repeating: 0, count: EventStreamReader.chunk), end: 0, atEnd: false)
    }

    /// Reads a stream held in memory; `file` names it in errors.
    public init(bytes: [UInt8], file: String) {
        fd = nil
        state = State(file: file, buffer: bytes, end: bytes.count, atEnd: true)
    }

    deinit { if let fd { close(fd) } }

    /// The next event and where it stands, or nil at the end of the stream.
    public func next() throws(LoadError) -> (event: Event, position: SourcePosition)? {
        try state.next(fd)
    }

    /// Reads the stream at `path` through, checking every line, in constant memory: its rules
    /// (the leading `sync.configure` line), how many events it holds, and the last one's instant.
    public static func check(path: String) throws(LoadError) -> (sync: RuleChange, events: Int, lastAt: Seconds?) {
        let reader = try EventStreamReader(path: path)
        var last: Seconds?
        while let (event, _) = try reader.next() { last = event.at }
        return (reader.sync, reader.count, last)
    }

    /// Runs `body` with an iterator over the events of the stream at `path`, read as they are
    /// taken. A stream is checked whole first (``check(path:)``), so a line that fails now means
    /// the file changed since: the iteration ends there, and the error is thrown after `body`.
    public static func withEvents<T>(in path: String, _ body: (inout AnyIterator<Event>) throws -> T) throws -> T {
        let reader = try EventStreamReader(path: path)
        var failure: LoadError?
        var events = AnyIterator<Event> {
            guard failure == nil else { return nil }
            do throws(LoadError) { return try reader.next()?.event } catch { failure = error; return nil }
        }
        let result = try body(&events)
        if let failure { throw failure }
        return result
    }

    /// ``next()`` for a bulk import: hands `sink` the event, its line when it already is the
    /// event's canonical JSON (``canonicalLine``), the bytes read so far (``bytesRead``) and the
    /// event's hint for a projector's prefetcher (from the keys of the ids its checks used), in
    /// one access to the reader's state (each access to a class's stored property is checked
    /// for exclusivity at run time: three per event, one at a time); false at the end of the stream.
    ///
    /// The line is lent for the call only: a line kept past it shares the reader's buffer, which
    /// the next refill then copied whole (a megabyte for each megabyte read) rather than reuse.
    /// The sink is a value passed in place, not a closure: variables a closure captures and
    /// changes are checked for exclusive access at run time on every use.
    public func nextRead<Sink: EventSink>(into sink: inout Sink) throws -> Bool {
        try state.nextRead(fd, into: &sink)
    }

    /// ``nextRead(into:)`` handing each event to a closure (for tests and small streams).
    public func nextRead(_ take: @escaping (_ event: Event, _ canonicalLine: ArraySlice<UInt8>?, _ bytesRead: Int,
                                            _ hint: Projector.Prefetcher.Hint) throws -> Void) throws -> Bool {
        var sink = ClosureSink(body: take)
        return try nextRead(into: &sink)
    }

    private struct ClosureSink: EventSink {
        let body: (Event, ArraySlice<UInt8>?, Int, Projector.Prefetcher.Hint) throws -> Void
        mutating func take(_ event: consuming Event, canonicalLine: ArraySlice<UInt8>?, bytesRead: Int, hint: Projector.Prefetcher.Hint) throws {
            try body(event, canonicalLine, bytesRead, hint)
        }
    }

    /// How many times a refill found the buffer shared with a line kept elsewhere, and copied it
    /// whole (for tests: reading lends each line, and copies nothing).
    var bufferCopies: Int { state.bufferCopies }
}

/// What takes the events of ``EventStreamReader/nextRead(into:)`` one by one.
public protocol EventSink {
    /// Takes an event, its line when that already is its canonical JSON (lent for the call only),
    /// the bytes of the stream read so far, and its prefetch hint.
    mutating func take(_ event: consuming Event, canonicalLine: ArraySlice<UInt8>?, bytesRead: Int, hint: Projector.Prefetcher.Hint) throws
}

extension EventStreamReader.State {
    /// The next line's bytes (without its newline), or nil at the end.
    private mutating func nextLine(_ fd: Int32?) throws(LoadError) -> ArraySlice<UInt8>? {
        while true {
            let newline = buffer.withUnsafeBufferPointer { [start, end] b -> Int? in
                guard start < end, let p = memchr(b.baseAddress! + start, 0x0A, end - start) else { return nil }
                return UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self) - b.baseAddress!
            }
            if let nl = newline {
                let lineBytes = buffer[start..<nl]
                bytesRead += nl + 1 - start
                start = nl + 1
                line += 1
                return lineBytes
            }
            if atEnd {
                guard start < end else { return nil }
                let rest = buffer[start..<end]
                bytesRead += end - start
                start = end
                line += 1
                return rest
            }
            try refill(fd!)
        }
    }

    /// Moves the bytes not yet taken to the front of the buffer and reads more after them,
    /// at most a ``EventStreamReader/chunk``; sets `atEnd` at the end of the file.
    private mutating func refill(_ fd: Int32) throws(LoadError) {
        let (size, address) = (buffer.count, buffer.withUnsafeBufferPointer { $0.baseAddress })
        defer { if buffer.count == size, buffer.withUnsafeBufferPointer({ $0.baseAddress }) != address { bufferCopies += 1 } }
        let rest = end - start
        if start > 0 {
            buffer.withUnsafeMutableBytes { b in
                if rest > 0 { memmove(b.baseAddress!, b.baseAddress! + start, rest) }
            }
            (start, end) = (0, rest)
        }
        // A line longer than the buffer: room for another chunk of it.
        if buffer.count - end < EventStreamReader.chunk / 2 {
            buffer.append(contentsOf: repeatElement(0, count: EventStreamReader.chunk))
        }
        var n: Int
        repeat {
            n = buffer.withUnsafeMutableBytes { [end] b in read(fd, b.baseAddress! + end, min(b.count - end, EventStreamReader.chunk)) }
        } while n < 0 && errno == EINTR
        guard n >= 0 else {
            throw LoadError(file: file, position: SourcePosition(line: line + 1, column: 1), message: "cannot read the file (\(String(cString: strerror(errno))))")
        }
        if n == 0 { atEnd = true } else { end += n }
    }

    mutating func nextRead<Sink: EventSink>(_ fd: Int32?, into sink: inout Sink) throws -> Bool {
        guard let (event, _) = try next(fd) else { return false }
        let hint = validator.hint(for: event)
        try sink.take(event, canonicalLine: canonicalLine, bytesRead: bytesRead, hint: hint)
        return true
    }

    mutating func next(_ fd: Int32?) throws(LoadError) -> (event: Event, position: SourcePosition)? {
        // Let go of the last line first: holding it, the buffer would be copied to be refilled.
        canonicalLine = nil
        while var bytes = try nextLine(fd) {
            if bytes.last == 0x0D { bytes = bytes.dropLast() }
            // A UTF-8 byte order mark at the start of the stream is not part of the first line.
            if line == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            // Each id is asked for as soon as it is read, so the check below finds it in the cache.
            // The validator is reached in place (its `prefetch` is mutating for that): as the
            // value `validator.prefetch`, it was copied, each of its tables retained, every line.
            if sawFirst, let (event, isCanonical) = FastEventDecoder.decodeNoticingCanonical(bytes, noticing: { validator.prefetch($0, isContact: $1) }) {
                if (try? validator.admit(event)) != nil {
                    count += 1
                    canonicalLine = isCanonical ? bytes : nil
                    return (event, SourcePosition(line: line, column: 1))
                }
            }
            do {
                let node = try JSONReader.parse(bytes, line: line)
                let (event, at) = try EventDecoder.decode(node, leadingConfigure: !sawFirst)
                sawFirst = true
                if at == nil, case .configure(let change) = event.kind {
                    sync = change
                    continue
                }
                try ScenarioDecoder.admit(event, node, &validator)
                count += 1
                return (event, node.position)
            } catch {
                throw LoadError(file: file, error)
            }
        }
        return nil
    }
}
