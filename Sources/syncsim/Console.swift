import Foundation
import SyncSimRender
import SyncSimStore

/// Buffered standard output and error, and what the terminal supports.
enum Console {
    nonisolated(unsafe) private static var buffer: [UInt8] = []

    /// Writes a line to standard output (buffered).
    static func out(_ line: String = "") {
        buffer.append(contentsOf: line.utf8)
        buffer.append(0x0A)
        flushIfFull()
    }

    /// Writes bytes to standard output (buffered), as they are: no line ends.
    static func write(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        flushIfFull()
    }

    /// Writes the buffer out once it holds 64 KiB.
    private static func flushIfFull() {
        if buffer.count > 1 << 16 { flush() }
    }

    /// Writes buffered output.
    static func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes a line to standard error at once.
    static func err(_ line: String) {
        flush()
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// The style for standard output.
    static var style: Style {
        Style.forTerminal(isTTY: isatty(STDOUT_FILENO) == 1, environment: ProcessInfo.processInfo.environment)
    }

    /// Prints `error` on standard error and returns its exit code: the input/output failure's
    /// for a disk that is full or failing, otherwise the bad-input code.
    static func fail(_ error: Error) -> Error {
        err("\(error)")
        if case StoreError.io = error { return Exit.ioFailure }
        return Exit.badInput
    }
}

/// Leaves `value` allocated until the process ends. Freeing a large projection piece by piece
/// (hundreds of thousands of contacts) takes longer than a `show` query itself, and the
/// process is about to end anyway.
func keepUntilExit<T>(_ value: T) {
    _ = Unmanaged.passRetained(KeptValue(value))
}

private final class KeptValue<T> {
    let value: T
    init(_ value: T) { self.value = value }
}
