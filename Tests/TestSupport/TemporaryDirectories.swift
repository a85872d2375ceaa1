import Foundation

/// Temporary directories for tests: each under one directory of the test process, which is
/// removed when the process exits (a test run makes hundreds of logs; left behind, each run
/// added tens of megabytes to the machine's temporary directory).
public enum TemporaryDirectories {
    /// The process's directory, `syncsim-tests-PID` in the system's temporary directory.
    public static let root: String = {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("syncsim-tests-\(getpid())").path
        // One left by an earlier process of the same number is not this one's.
        try? FileManager.default.removeItem(atPath: root)
        try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: TemporaryDirectories.root) }
        return root
    }()

    /// A fresh, empty directory named `prefix` and a unique suffix, under ``root``.
    public static func make(_ prefix: String) -> String {
        let dir = root + "/\(prefix)-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}
