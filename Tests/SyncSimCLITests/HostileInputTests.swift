import Foundation
import Testing
import SyncSimCore

/// The built binary on mutated scenarios: exit 0, 1 or 2 with a message, never a crash,
/// never a log left behind on exit 2.
@Suite struct HostileInputTests {
    @Test func mutatedScenariosThroughTheBinary() throws {
        let dir = Binary.tempDir()
        let scenarios = Binary.root + "/Scenarios"
        let names = try FileManager.default.contentsOfDirectory(atPath: scenarios).filter { $0.hasSuffix(".yaml") }.sorted()
        var rng = SplitMix64(seed: 7)
        var codes: [Int32: Int] = [:]
        for i in 0..<150 {
            let name = names[i % names.count]
            var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: scenarios + "/" + name)))
            // Flip, cut or drop: the three most common ways a file goes bad.
            switch rng.next() % 3 {
            case 0: bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next())
            case 1: bytes = Array(bytes.prefix(Int(rng.next() % UInt64(bytes.count))))
            default:
                var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
                lines.remove(at: Int(rng.next() % UInt64(lines.count)))
                bytes = Array(lines.joined(separator: [0x0A]))
            }
            let file = "case\(i).yaml"
            try Data(bytes).write(to: URL(fileURLWithPath: dir + "/" + file))
            let r = try Binary.run(["run", file, "--db", "case\(i).db"], in: dir)
            codes[r.status, default: 0] += 1
            #expect([0, 1, 2].contains(r.status), "\(file) from \(name): exit \(r.status) \(r.stderr)")
            let logExists = FileManager.default.fileExists(atPath: dir + "/case\(i).db")
            if r.status == 2 {
                #expect(!logExists, "\(file): a log was written on bad input")
                #expect(r.stderr.hasPrefix(file + ":"), "\(r.stderr)")
                #expect(r.stderr.split(separator: "\n").count == 1)
            } else {
                #expect(logExists)
                #expect(try Binary.run(["verify", "case\(i).db"], in: dir).status == 0)
            }
        }
        #expect((codes[2] ?? 0) > 50)
    }
}
