import Crypto
import Foundation
import SyncSimCore
import SyncSimScenario
import SyncSimStore

/// Streams a JSON Lines file into a new log: read a line, check it, project it
/// (to know whether the rules reject it), append it; memory stays constant.
enum Importer {
    struct Summary {
        var events: Int
        var rejected: Int
    }

    static func run(file: String, db: String, overrides: [String]) throws -> Summary {
        guard (file as NSString).pathExtension.lowercased() == "jsonl" else {
            throw LoadError(file: file, position: nil, message: "expected a JSON Lines stream (.jsonl); record a scenario with `syncsim run FILE --db PATH`")
        }
        let change = try RuleOverrides.parse(overrides)
        let digest = try fileDigest(file)
        let reader = try EventStreamReader(path: file)
        let first = try reader.next()
        let rules = SyncRules(reader.sync.merging(change))
        let header = LogHeader(scenario: ScenarioLoader.streamID(for: file), sourceFile: (file as NSString).lastPathComponent,
                               sourceDigest: digest, rules: rules, overrides: overrides)
        let writer = try LogWriter(path: db, header: header)
        var projector = Projector(rules: rules)
        projector.keepsActivityRecords = false
        var next = first
        var seq = 0
        while let (event, _) = next {
            seq += 1
            let before = projector.rejections.count
            projector.apply(event, seq: seq)
            try writer.append(event, rejected: projector.rejections.count > before ? projector.rejections.last!.reason : nil)
            next = try reader.next()
        }
        try writer.finish()
        return Summary(events: seq, rejected: projector.rejections.count)
    }

    /// `sha256:` digest of a file, read in chunks.
    static func fileDigest(_ path: String) throws -> String {
        guard let h = FileHandle(forReadingAtPath: path) else {
            throw LoadError(file: path, position: nil, message: "cannot read the file")
        }
        defer { try? h.close() }
        var sha = SHA256()
        while let data = try h.read(upToCount: 1 << 20), !data.isEmpty { sha.update(data: data) }
        return "sha256:" + CanonicalJSON.hex(sha.finalize())
    }
}
