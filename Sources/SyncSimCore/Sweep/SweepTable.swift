/// A sweep's table (format 5.5): one row per variant, in the variants' order, with the
/// variant's settings, its run statistics, the instant it settled and its final digest. A
/// shard's table holds its own rows and says which shard it is; ``merged(_:)`` joins the
/// shards' tables into the table the whole sweep gives, byte for byte once written.
public struct SweepTable: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        /// The variant's number (see ``SweepPlan``).
        public var variant: Int
        /// The varied keys and their values as the rules read them (`{"capacity": 50}`).
        public var settings: JSON
        /// ``RunStatistics/json`` up to when the variant settled.
        public var statistics: JSON
        public var settled: Seconds
        public var digest: String

        public init(variant: Int, settings: JSON, statistics: JSON, settled: Seconds, digest: String) {
            (self.variant, self.settings, self.statistics, self.settled, self.digest) = (variant, settings, statistics, settled, digest)
        }

        /// Runs variant `variant` (whose rules are `rules`) until it settles: its statistics,
        /// the instant and its digest; `keys` are the varied keys its settings show.
        public static func measure<I: IteratorProtocol<Event>>(variant: Int, keys: [String], rules: SyncRules, events: I) -> Row {
            let run = RunStatistics.measure(rules: rules, events: events, through: nil)
            let every = rules.everyMember
            return Row(variant: variant, settings: .object(Dictionary(keys.map { ($0, every[$0] ?? .null) }, uniquingKeysWith: { a, _ in a })),
                       statistics: run.statistics.json, settled: run.at, digest: ProjectionWriter(run.projector).digest())
        }

        var json: JSON {
            .object(["variant": .int(variant), "settings": settings, "stats": statistics,
                     "settled": .int(settled), "digest": .string(digest)])
        }
    }

    /// The file swept, as named on the command line.
    public var source: String
    /// The rules the variants start from (the file's `sync:`, with any `--set`).
    public var rules: JSON
    public var plan: SweepPlan
    /// Which part of the sweep the table holds (nil: all of it).
    public var shard: SweepPlan.Shard?
    public var rows: [Row]

    public init(source: String, rules: JSON, plan: SweepPlan, shard: SweepPlan.Shard?, rows: [Row]) {
        (self.source, self.rules, self.plan, self.shard, self.rows) = (source, rules, plan, shard, rows)
    }

    /// `sweep --json`'s object.
    public var json: JSON {
        var o: [String: JSON] = [
            "source": .string(source), "rules": rules, "variants": .int(plan.count),
            "vary": .array(plan.axes.map { .object(["key": .string($0.key), "values": .array($0.values.map(JSON.string))]) }),
            "rows": .array(rows.map(\.json)),
        ]
        if let shard { o["shard"] = .object(["index": .int(shard.index), "count": .int(shard.count)]) }
        return .object(o)
    }

    /// Reads a table that `sweep --json` wrote.
    public init(node: SourceNode) throws(DecodeError) {
        let m = try MappingReader(node, what: "a sweep table")
        let what = "the sweep table"
        source = try ValueDecoding.text(try m.required("source", in: what), what: "source")
        rules = JSON(node: try m.required("rules", in: what))
        var axes: [SweepPlan.Axis] = []
        guard case .sequence(let items) = try m.required("vary", in: what).kind else {
            throw DecodeError("expected 'vary' to be a list", at: m.valuePosition("vary"))
        }
        for item in items {
            let a = try MappingReader(item, what: "a varied key")
            guard case .sequence(let values) = try a.required("values", in: "the varied key").kind else {
                throw DecodeError("expected 'values' to be a list", at: a.valuePosition("values"))
            }
            axes.append(SweepPlan.Axis(key: try ValueDecoding.text(try a.required("key", in: "the varied key"), what: "key"),
                                       values: try values.map { v throws(DecodeError) in try ValueDecoding.text(v, what: "a value") }))
        }
        plan = SweepPlan(axes: axes)
        let variants = try m.required("variants", in: what)
        guard try ValueDecoding.count(variants, what: "variants") == plan.count else {
            throw DecodeError("expected 'variants' to be \(plan.count), the number of combinations of 'vary'", at: variants.position)
        }
        if let s = m.optional("shard") {
            let r = try MappingReader(s, what: "a shard")
            let index = Int(try ValueDecoding.count(try r.required("index", in: "the shard"), what: "index"))
            let count = Int(try ValueDecoding.count(try r.required("count", in: "the shard"), what: "count"))
            guard count >= 1, index < count else { throw DecodeError("expected a shard index below its count", at: s.position) }
            shard = SweepPlan.Shard(index: index, count: count)
        } else {
            shard = nil
        }
        guard case .sequence(let rowNodes) = try m.required("rows", in: what).kind else {
            throw DecodeError("expected 'rows' to be a list", at: m.valuePosition("rows"))
        }
        rows = []
        for n in rowNodes {
            let r = try MappingReader(n, what: "a row")
            let v = try r.required("variant", in: "the row")
            let variant = Int(try ValueDecoding.count(v, what: "variant"))
            guard variant < plan.count else { throw DecodeError("expected a variant below \(plan.count)", at: v.position) }
            rows.append(Row(variant: variant, settings: JSON(node: try r.required("settings", in: "the row")),
                            statistics: JSON(node: try r.required("stats", in: "the row")),
                            settled: try ValueDecoding.time(try r.required("settled", in: "the row"), what: "settled"),
                            digest: try ValueDecoding.text(try r.required("digest", in: "the row"), what: "digest")))
        }
    }

    /// Why tables cannot be merged.
    public struct MergeError: Error, Sendable, Equatable {
        /// The piece at fault (0-based), nil when the pieces together are at fault.
        public var piece: Int?
        public var message: String
    }

    /// The table of the whole sweep from its shards' tables: the pieces must be of one sweep
    /// (the same source, rules and varied values), and hold every variant exactly once.
    public static func merged(_ pieces: [SweepTable]) throws(MergeError) -> SweepTable {
        guard let first = pieces.first else { throw MergeError(piece: nil, message: "no tables to merge") }
        var rows: [Int: Row] = [:]
        for (i, piece) in pieces.enumerated() {
            for (what, same) in [("file", piece.source == first.source), ("rules", piece.rules == first.rules),
                                 ("varied keys and values", piece.plan == first.plan)] where !same {
                throw MergeError(piece: i, message: "its \(what) differ from the first table's: it is not a part of the same sweep")
            }
            for row in piece.rows {
                if rows.updateValue(row, forKey: row.variant) != nil {
                    throw MergeError(piece: i, message: "variant \(row.variant) is in two tables")
                }
            }
        }
        let missing = (0..<first.plan.count).filter { rows[$0] == nil }
        if !missing.isEmpty {
            let shown = missing.prefix(10).map(String.init).joined(separator: ", ") + (missing.count > 10 ? ", ..." : "")
            throw MergeError(piece: nil, message: "\(missing.count) of \(first.plan.count) variants are in no table (\(shown)): a shard is missing")
        }
        return SweepTable(source: first.source, rules: first.rules, plan: first.plan, shard: nil,
                          rows: (0..<first.plan.count).map { rows[$0]! })
    }
}

extension JSON {
    /// The JSON value of a parsed node (positions dropped).
    public init(node: SourceNode) {
        switch node.kind {
        case .scalar(let v): self = JSON(v)
        case .sequence(let items): self = .array(items.map { JSON(node: $0) })
        case .mapping(let entries): self = .object(Dictionary(entries.map { ($0.key, JSON(node: $0.value)) }, uniquingKeysWith: { a, _ in a }))
        }
    }
}
