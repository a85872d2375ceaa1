import Foundation
import SyncSimCore
import SyncSimImport

/// A progress bar on standard error for long imports and replays: shown only when standard
/// error is a terminal (never when piped), redrawn at most a few times a second.
final class Progress: ImportProgress {
    private let label: String
    private let total: Int
    private let enabled: Bool
    private let started: Double
    private var lastDraw = 0.0
    private var drawn = false

    /// `total` is in the unit `update` counts (events, or bytes of a stream).
    init(_ label: String, total: Int, enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.label = label
        self.total = max(total, 1)
        self.enabled = enabled
        started = Progress.now()
        lastDraw = started
    }

    /// Seconds on a monotonic clock: only progress display reads it, never the projection.
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Reports `done` units and `events` events so far; cheap to call often.
    func update(done: Int, events: Int) {
        guard enabled, events & 0x3FF == 0 else { return }
        let t = Progress.now()
        guard t - lastDraw >= 0.25 else { return }
        lastDraw = t
        let fraction = min(1, Double(done) / Double(total))
        let rate = Double(events) / max(t - started, 1e-9)
        let eta = fraction > 0 ? (t - started) * (1 - fraction) / fraction : 0
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let line = String(format: "\r%@ [%@] %3.0f%%  %d events  %.0f ev/s  ETA %.0fs ", label, bar, fraction * 100, events, rate, eta)
        FileHandle.standardError.write(Data(line.utf8))
        drawn = true
    }

    /// Reports `done` of the total counted in `unit` (variants of a sweep): drawn every time.
    func count(_ done: Int, unit: String) {
        guard enabled else { return }
        let t = Progress.now()
        let fraction = min(1, Double(done) / Double(total))
        let eta = fraction > 0 ? (t - started) * (1 - fraction) / fraction : 0
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let line = String(format: "\r%@ [%@] %d/%d %@  ETA %.0fs ", label, bar, done, total, unit, eta)
        FileHandle.standardError.write(Data(line.utf8))
        drawn = true
    }

    /// Clears the bar.
    func finish() {
        guard enabled, drawn else { return }
        FileHandle.standardError.write(Data(("\r" + String(repeating: " ", count: 100) + "\r").utf8))
    }
}
