import Foundation
import Testing
@testable import SyncSimCore
import SyncSimRender
import SyncSimTestSupport

/// `diff`'s report written member by member: canonical JSON in one object, and text whose
/// columns line up over every row, as when the report was built whole.
@Suite struct DiffReportTests {
    /// Two runs of a random stream under different rules, compared when both have settled.
    static func report(_ seed: UInt64) -> DiffReport {
        var runs = TwoRuns(seed: seed)
        let end = (runs.events.last?.at ?? 0) + 7200
        runs.a.advance(to: end)
        runs.b.advance(to: end)
        return DiffReport(a: DiffSideInfo(source: "a.db", at: end, rules: runs.rulesA),
                          b: DiffSideInfo(source: "b\u{1}.db", at: end, rules: runs.rulesB),
                          diff: ProjectionDiff.compare(runs.a, runs.b), divergence: nil)
    }

    /// The JSON as a tree, through the project's own reader.
    static func tree(_ node: SourceNode) -> JSON {
        switch node.kind {
        case .scalar(let v): return JSON(v)
        case .sequence(let items): return .array(items.map(tree))
        case .mapping(let entries): return .object(Dictionary(uniqueKeysWithValues: entries.map { ($0.key, tree($0.value)) }))
        }
    }

    @Test(arguments: Array(UInt64(1)...12))
    func itsJSONIsOneCanonicalObject(seed: UInt64) throws {
        let report = Self.report(seed)
        var bytes: [UInt8] = []
        var pieces = 0
        report.writeJSON { bytes += $0; pieces += 1 }
        let object = Self.tree(try JSONReader.parse(bytes))
        // Written again in canonical form (keys sorted), it is the same bytes: the pieces were.
        #expect(CanonicalJSON.bytes(for: object) == bytes, "seed \(seed)")
        #expect(object["summary"]?["contacts"]?.intValue == Int64(report.diff.contacts.count))
        if case .object(let contacts)? = object["contacts"] { #expect(contacts.count == report.diff.contacts.count) } else { Issue.record("no contacts") }
        #expect(object["same"] == .bool(report.diff.isEmpty))
        #expect(!report.diff.isEmpty || seed > 3, "the first seeds' rules make a difference")
    }

    /// A diff of thousands of contacts (a workload under two rule sets) is written in several
    /// pieces, still one canonical object.
    @Test func aLargeDiffIsWrittenInPieces() throws {
        var workload = Workload()
        (workload.events, workload.accounts, workload.contacts, workload.rules) = (20_000, 300, 6_000, false)
        var events: [Event] = []
        workload.generate { line in
            if let (e, _) = FastEventDecoder.decodeNoticingCanonical(CanonicalJSON.bytes(for: line)[...]) { events.append(e) }
        }
        var rules = SyncRules()
        var a = Projector(rules: rules)
        rules.overwrite = .changed
        var b = Projector(rules: rules)
        for (i, e) in events.enumerated() {
            a.apply(e, seq: i + 1)
            b.apply(e, seq: i + 1)
        }
        let report = DiffReport(a: DiffSideInfo(source: "a", at: a.now, rules: SyncRules()), b: DiffSideInfo(source: "b", at: b.now, rules: rules),
                                diff: ProjectionDiff.compare(a, b), divergence: nil)
        var bytes: [UInt8] = []
        var pieces = 0
        report.writeJSON { bytes += $0; pieces += 1 }
        #expect(pieces > 2, "\(bytes.count) bytes in \(pieces) pieces")
        #expect(CanonicalJSON.bytes(for: Self.tree(try JSONReader.parse(bytes))) == bytes)
    }

    /// Thousands of groups (their widths measured in two halves, their rows made in pieces on
    /// two threads) give the text a plain rendering of the rows gives, with and without colour.
    @Test(arguments: [false, true])
    func manyGroupsAreWrittenAsOnePlainPass(color: Bool) {
        var rng = SplitMix64(seed: color ? 7 : 8)
        func value() -> Value {
            switch rng.next() % 5 {
            case 0: return .null
            case 1: return .number(.int(Int64(rng.next() % 100_000)))
            case 2: return .string("Zürich-\(rng.next() % 1000)")
            default: return .string(String(repeating: "w", count: Int(rng.next() % 30)))
            }
        }
        typealias Pair<T: Sendable & Equatable> = ProjectionDiff.Pair<T>
        var diff = ProjectionDiff()
        for i in 0..<5_000 {
            let fields = (0..<Int(rng.next() % 4)).map { ProjectionDiff.FieldPair(field: "f\($0)" + (i % 9 == 0 ? "é" : ""), values: Pair(a: value(), b: value())) }
            diff.contacts.append(.init(contact: "c\(i)", inMarketo: i % 11 == 0 ? Pair(a: true, b: false) : nil,
                                       account: i % 3 == 0 ? Pair(a: "a\(i)", b: nil) : nil, fields: fields,
                                       activities: i % 4 == 0 ? [(.dynamics, Pair(a: i, b: i + 1))] : []))
        }
        for i in 0..<1_500 {
            diff.accounts.append(.init(account: "a\(i)", inMarketo: nil, inDynamics: i % 5 == 0 ? Pair(a: false, b: true) : nil,
                                       deletedInDynamics: nil, stale: i % 7 == 0 ? Pair(a: true, b: false) : nil,
                                       marketo: [.init(field: "name", values: Pair(a: value(), b: .string("n")))], dynamics: []))
        }
        let style = Style(color: color)
        let report = DiffReport(a: DiffSideInfo(source: "a.db", at: 60, rules: SyncRules()),
                                b: DiffSideInfo(source: "b.db", at: 60, rules: SyncRules()), diff: diff, divergence: nil)
        var rows: [(group: String, label: String, a: String, b: String)] = []
        report.forEachRow { rows.append(($0, $1, $2, $3)) }
        let (labelWidth, aWidth) = (rows.map(\.label.count).max()!, rows.map(\.a.count).max()!)
        var expected: [String] = []
        for (i, r) in rows.enumerated() where i == 0 || rows[i - 1].group != r.group {
            expected += ["", style.bold(r.group)]
            for row in rows[i...].prefix(while: { $0.group == r.group }) {
                let pad = String(repeating: " ", count: aWidth - row.a.count)
                expected.append("  " + row.label + String(repeating: " ", count: labelWidth - row.label.count)
                                + "  A " + (color ? "\u{1B}[31m" + row.a + pad + "\u{1B}[0m" : row.a + pad)
                                + "  B " + (color ? "\u{1B}[32m" + row.b + "\u{1B}[0m" : row.b))
            }
        }
        let lines = report.lines(style: style)
        #expect(Array(lines.dropFirst(2).prefix(expected.count)) == expected)
        #expect(lines.count == 2 + expected.count + 2)
        #expect(lines.last == report.summary)
    }

    @Test(arguments: Array(UInt64(1)...12))
    func itsTextLinesUpEveryRow(seed: UInt64) {
        let report = Self.report(seed)
        let lines = report.lines(style: Style(color: false))
        // Rows are `  LABEL  A VALUE  B VALUE`: every row's ` A ` and ` B ` at one column each.
        let rows = lines.filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") && $0.contains("  A ") && $0.contains("  B ") }
        #expect(rows.count == report.diff.contacts.reduce(0) { $0 + rowCount($1) } + report.diff.accounts.reduce(0) { $0 + rowCount($1) }, "seed \(seed)")
        let aColumns = Set(rows.map { $0.distance(from: $0.startIndex, to: $0.range(of: "  A ")!.lowerBound) })
        let bColumns = Set(rows.map { row in
            let a = row.range(of: "  A ")!.upperBound
            return row.distance(from: row.startIndex, to: row.range(of: "  B ", range: a..<row.endIndex)!.lowerBound)
        })
        #expect(aColumns.count <= 1, "seed \(seed): \(aColumns)")
        #expect(bColumns.count <= 1, "seed \(seed): \(bColumns)")
        #expect(lines.last == report.summary)
        var streamed: [String] = []
        report.write(style: Style(color: true)) { streamed.append($0) }
        #expect(streamed.count == lines.count)
    }

    func rowCount(_ c: ProjectionDiff.ContactDiff) -> Int {
        (c.inMarketo == nil ? 0 : 1) + (c.account == nil ? 0 : 1) + c.fields.count + c.activities.count
    }

    func rowCount(_ d: ProjectionDiff.AccountDiff) -> Int {
        (d.inMarketo == nil ? 0 : 1) + (d.inDynamics == nil ? 0 : 1) + (d.deletedInDynamics == nil ? 0 : 1) + d.marketo.count + d.dynamics.count
    }
}
