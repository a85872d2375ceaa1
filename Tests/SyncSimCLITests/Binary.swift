import Foundation
import Testing
import SyncSimTestSupport

/// Runs the built `syncsim` binary and captures what it prints.
enum Binary {
    /// The package's root folder.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// Path of the built executable: `$SYNCSIM_BIN`, or beside the test bundle, or in `.build/debug`.
    static let path: String = {
        if let p = ProcessInfo.processInfo.environment["SYNCSIM_BIN"] { return p }
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("syncsim").path
        for candidate in [beside, root + "/.build/debug/syncsim"] where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        return root + "/.build/debug/syncsim"
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `syncsim ARGS` in `directory` with `NO_COLOR` unset and standard input closed.
    static func run(_ args: [String], in directory: String? = nil, environment: [String: String] = [:],
                    executable: String? = nil) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable ?? path)
        p.arguments = args
        if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "NO_COLOR")
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        // A hang is a failure, not a stuck test run: stop the process after a minute.
        let watchdog = DispatchWorkItem { if p.isRunning { p.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 60, execute: watchdog)
        defer { watchdog.cancel() }
        // Read both pipes while the process runs, so a large output cannot block it.
        nonisolated(unsafe) var errData = Data()
        let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        return Result(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A fresh temporary directory (removed with the others when the tests end).
    static func tempDir() -> String { TemporaryDirectories.make("cli") }

    /// Writes `text` to `dir/name` and returns the path.
    @discardableResult
    static func write(_ text: String, to name: String, in dir: String) throws -> String {
        let path = dir + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}
