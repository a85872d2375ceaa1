import Testing
@testable import SyncSimCore

/// Sweep plans (variants, shards, values), rows against separate runs, and merging shards.
@Suite struct SweepTests {
    static let plan = SweepPlan(axes: [.init(key: "capacity", values: ["1", "3", "unlimited"]),
                                       .init(key: "overwrite", values: ["all", "changed"])])

    @Test func variantsChangeTheFirstKeySlowest() {
        #expect(Self.plan.count == 6)
        let settings = (0..<6).map { Self.plan.settings(of: $0).map(\.value) }
        #expect(settings == [["1", "all"], ["1", "changed"], ["3", "all"], ["3", "changed"], ["unlimited", "all"], ["unlimited", "changed"]])
        #expect(Self.plan.settings(of: 3).map(\.key) == ["capacity", "overwrite"])
    }

    @Test func shardsPartitionTheVariants() {
        for n in 1...7 {
            let parts = (0..<n).map { Self.plan.variants(in: SweepPlan.Shard(index: $0, count: n)) }
            #expect(parts.flatMap { $0 }.sorted() == Array(0..<6), "n \(n)")
            #expect(parts.allSatisfy { $0 == $0.sorted() })
        }
        #expect(SweepPlan.Shard("1/3") == SweepPlan.Shard(index: 1, count: 3))
        for bad in ["3/3", "-1/2", "0/0", "1", "a/b", "1/2/3", ""] { #expect(SweepPlan.Shard(bad) == nil, "\(bad)") }
    }

    @Test func valuesSplitAtCommasOutsideBrackets() {
        #expect(SweepPlan.values("50,200, unlimited") == ["50", "200", "unlimited"])
        #expect(SweepPlan.values("[name, industry],all") == ["[name, industry]", "all"])
        #expect(SweepPlan.values("'a,b',c") == ["'a,b'", "c"])
        #expect(SweepPlan.values("") == [""])
    }

    /// A row is the variant's own run: its statistics, settled instant and digest equal those
    /// of folding the events with the variant's rules.
    @Test(arguments: ReferenceEquivalenceTests.seeds.prefix(12))
    func aRowIsTheVariantsRun(seed: UInt64) {
        let stream = RandomStream(seed: seed)
        let events = stream.generate()
        var rules = stream.rules()
        rules.capacity = .records(Int64(seed % 4) + 1)
        let row = SweepTable.Row.measure(variant: 5, keys: ["capacity", "overwrite"], rules: rules, events: events.makeIterator())
        var all = events.makeIterator()
        let settled = Simulation.settled(rules: rules, events: &all)
        #expect(row.settled == settled, "seed \(seed)")
        #expect(row.statistics == RunStatistics.of(rules: rules, events: events.makeIterator(), through: settled).json, "seed \(seed)")
        #expect(row.digest == Simulation.projection(rules: rules, events: events, at: settled).digest, "seed \(seed)")
        #expect(row.settings == .object(["capacity": .int(Int(seed % 4) + 1), "overwrite": .string(rules.overwrite.rawValue)]))
        #expect(row.variant == 5)
    }

    /// Shards' tables, written, read back and merged in any order, are the whole table byte for byte.
    @Test func mergedShardsAreTheWholeTable() throws {
        let stream = RandomStream(seed: 7)
        let events = stream.generate()
        let base = stream.rules()
        func table(_ shard: SweepPlan.Shard?) -> SweepTable {
            let rows = Self.plan.variants(in: shard).map { v in
                var rules = base
                for (key, value) in Self.plan.settings(of: v) {
                    if key == "capacity" { rules.capacity = value == "unlimited" ? .unlimited : .records(Int64(value)!) }
                    if key == "overwrite" { rules.overwrite = Overwrite(rawValue: value)! }
                }
                return SweepTable.Row.measure(variant: v, keys: ["capacity", "overwrite"], rules: rules, events: events.makeIterator())
            }
            return SweepTable(source: "s.jsonl", rules: base.json, plan: Self.plan, shard: shard, rows: rows)
        }
        let whole = CanonicalJSON.string(for: table(nil).json)
        #expect(Set(table(nil).rows.map { CanonicalJSON.string(for: $0.statistics) }).count > 1, "the variants differ")
        for n in [1, 2, 4, 6] {
            var pieces = try (0..<n).map { i in
                try SweepTable(node: JSONReader.parse(CanonicalJSON.string(for: table(SweepPlan.Shard(index: i, count: n)).json)))
            }
            pieces.reverse()
            #expect(CanonicalJSON.string(for: try SweepTable.merged(pieces).json) == whole, "n \(n)")
        }
    }

    @Test func mergeRefusesPiecesOfOtherSweepsMissingOrTwice() throws {
        let row = { (v: Int) in SweepTable.Row(variant: v, settings: .object([:]), statistics: .object([:]), settled: 0, digest: "d") }
        let plan = SweepPlan(axes: [.init(key: "capacity", values: ["1", "2", "3"])])
        let a = SweepTable(source: "f", rules: .object([:]), plan: plan, shard: .init(index: 0, count: 2), rows: [row(0), row(2)])
        let b = SweepTable(source: "f", rules: .object([:]), plan: plan, shard: .init(index: 1, count: 2), rows: [row(1)])
        #expect(try SweepTable.merged([a, b]).rows.map(\.variant) == [0, 1, 2])
        #expect(throws: SweepTable.MergeError.self) { try SweepTable.merged([a]) }
        #expect(throws: SweepTable.MergeError.self) { try SweepTable.merged([a, b, b]) }
        var other = b
        other.plan = SweepPlan(axes: [.init(key: "capacity", values: ["1", "2", "4"])])
        #expect(throws: SweepTable.MergeError.self) { try SweepTable.merged([a, other]) }
        other = b
        other.source = "g"
        #expect(throws: SweepTable.MergeError.self) { try SweepTable.merged([a, other]) }
        #expect(throws: SweepTable.MergeError.self) { try SweepTable.merged([]) }
    }
}
