import Foundation
import Testing
import SyncSimCore
@testable import SyncSimScenario

/// Seeded mutations of the valid scenarios of `Scenarios/`: every case loads or fails with
/// a positioned message; none crashes or hangs. Cases that once failed live in `Tests/Regressions/`.
@Suite struct FuzzTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let casesPerFile = 300

    static func corpus() -> [(String, [UInt8])] {
        let dir = root + "/Scenarios"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
        return names.compactMap { n in (try? Data(contentsOf: URL(fileURLWithPath: dir + "/" + n))).map { (n, Array($0)) } }
    }

    /// One mutation of `bytes`, chosen by `rng`.
    static func mutate(_ bytes: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var b = bytes
        func pick(_ n: Int) -> Int { Int(rng.next() % UInt64(max(n, 1))) }
        var lines = b.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        switch rng.next() % 10 {
        case 0: if !b.isEmpty { b[pick(b.count)] = UInt8(truncatingIfNeeded: rng.next()) }
        case 1: b = Array(b.prefix(pick(b.count)))
        case 2: if !lines.isEmpty { lines.remove(at: pick(lines.count)); b = Array(lines.joined(separator: [0x0A])) }
        case 3: if !lines.isEmpty { let i = pick(lines.count); lines.insert(lines[i], at: i); b = Array(lines.joined(separator: [0x0A])) }
        case 4: b.insert(contentsOf: Array(["99999999999999999999999999", "1e999", "-0", "0x7fffffffffffffffff", "9999999999999d"][pick(5)].utf8), at: pick(b.count))
        case 5: b.insert(contentsOf: Array((String(repeating: "[", count: 200) + String(repeating: "]", count: 200)).utf8), at: pick(b.count))
        case 6: b.insert(contentsOf: [[0xC3, 0x28], [0xFF], [0xE2, 0x82], [0xF0, 0x9F, 0x98]][pick(4)], at: pick(b.count))
        case 7: b.insert(contentsOf: [[0x00], [0x1B, 0x5B, 0x33, 0x31, 0x6D], [0x07], [0x0D], [0x09]][pick(5)], at: pick(b.count))
        case 8: b.insert(contentsOf: Array(String(repeating: "{a: ", count: 80).utf8), at: pick(b.count))
        default:
            // Swap two random lines: time order, references and indentation break.
            if lines.count > 1 { lines.swapAt(pick(lines.count), pick(lines.count)); b = Array(lines.joined(separator: [0x0A])) }
        }
        return b
    }

    /// Loads and, if valid, runs the case; returns whether it loaded.
    @discardableResult
    static func exercise(_ bytes: [UInt8], name: String) -> Bool {
        do {
            let loaded = try ScenarioLoader.load(bytes: bytes, file: name)
            let s = loaded.scenario
            _ = Simulation.run(rules: s.rules, events: s.events, expectations: s.expectations)
            return true
        } catch {
            let text = error.description
            #expect(text.hasPrefix(name + ":"), "\(text)")
            #expect(text.contains(": error: "), "\(text)")
            if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                Issue.record("raw control characters in: \(text.debugDescription)")
                if let dir = ProcessInfo.processInfo.environment["SYNCSIM_FUZZ_SAVE"] {
                    try? Data(bytes).write(to: URL(fileURLWithPath: dir + "/\(abs(bytes.hashValue)).yaml"))
                }
            }
            return false
        }
    }

    @Test func thousandsOfMutationsNeverCrash() {
        var rng = SplitMix64(seed: 20261125)
        var loaded = 0
        var rejected = 0
        for (name, bytes) in Self.corpus() {
            for _ in 0..<Self.casesPerFile {
                var b = bytes
                for _ in 0..<(1 + Int(rng.next() % 3)) { b = Self.mutate(b, &rng) }
                if Self.exercise(b, name: name) { loaded += 1 } else { rejected += 1 }
            }
        }
        #expect(loaded + rejected >= 5000)
        #expect(rejected > loaded / 4, "most mutations should be caught as input errors")
        print("fuzz: \(loaded + rejected) cases, \(loaded) still valid, \(rejected) input errors")
    }

    @Test func regressionFilesStayHandled() throws {
        let dir = Self.root + "/Tests/Regressions"
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted() where !name.hasPrefix(".") && !name.hasSuffix(".md") {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name)))
            Self.exercise(bytes, name: name)
        }
    }
}
