/// What a log records about its run besides the events: the scenario's identity,
/// the rules it ran with and its expectations, so that a log alone rebuilds its projection.
public struct LogHeader: Sendable, Equatable {
    /// Version of the scenario format the log was written with.
    public static let formatVersion: Int64 = 1

    public var scenario: String
    public var title: String?
    public var description: String?
    /// File name of the scenario or stream the run read.
    public var sourceFile: String
    /// `sha256:` digest of that file's bytes.
    public var sourceDigest: String
    /// The rules the run started with (the `sync:` block and `--set` overrides applied).
    public var rules: SyncRules
    /// The `--set` options of the run, as given.
    public var overrides: [String]
    public var expectations: [Expectation]

    public init(scenario: String, title: String? = nil, description: String? = nil, sourceFile: String,
                sourceDigest: String, rules: SyncRules, overrides: [String] = [], expectations: [Expectation] = []) {
        self.scenario = scenario
        self.title = title
        self.description = description
        self.sourceFile = sourceFile
        self.sourceDigest = sourceDigest
        self.rules = rules
        self.overrides = overrides
        self.expectations = expectations
    }

    /// The header as stored: one JSON object.
    public var json: JSON {
        var o: [String: JSON] = [
            "format": .int(Self.formatVersion),
            "scenario": .string(scenario),
            "source": .object(["file": .string(sourceFile), "digest": .string(sourceDigest)]),
            "rules": rules.json,
            "overrides": .array(overrides.map(JSON.string)),
            "expect": .array(expectations.map {
                .object(["line": .int($0.position.line), "column": .int($0.position.column), "entry": $0.json])
            }),
        ]
        if let title { o["title"] = .string(title) }
        if let description { o["description"] = .string(description) }
        return .object(o)
    }

    /// Decodes a stored header.
    public init(canonicalJSON text: String) throws(DecodeError) {
        let node = try JSONReader.parse(text)
        let m = try MappingReader(node, what: "a log header")
        let format = try ValueDecoding.count(try m.required("format", in: "the log header"), what: "format")
        guard format == Self.formatVersion else {
            throw DecodeError("the log was written with format version \(format); this syncsim reads version \(Self.formatVersion)", at: node.position)
        }
        scenario = try ValueDecoding.text(try m.required("scenario", in: "the log header"), what: "scenario")
        title = try m.optional("title").map { n throws(DecodeError) in try ValueDecoding.text(n, what: "title") }
        description = try m.optional("description").map { n throws(DecodeError) in try ValueDecoding.text(n, what: "description") }
        let source = try MappingReader(try m.required("source", in: "the log header"), what: "source")
        sourceFile = try ValueDecoding.text(try source.required("file", in: "source"), what: "file")
        sourceDigest = try ValueDecoding.text(try source.required("digest", in: "source"), what: "digest")
        rules = SyncRules(try RulesDecoder.syncBlock(try m.required("rules", in: "the log header")))
        overrides = []
        if case .sequence(let items) = try m.required("overrides", in: "the log header").kind {
            for item in items { overrides.append(try ValueDecoding.text(item, what: "override")) }
        }
        expectations = []
        if case .sequence(let items) = try m.required("expect", in: "the log header").kind {
            for item in items {
                let e = try MappingReader(item, what: "an expectation record")
                var x = try ExpectationDecoder.decode(try e.required("entry", in: "the expectation record"))
                x.position = SourcePosition(
                    line: Int(try ValueDecoding.count(try e.required("line", in: "the expectation record"), what: "line")),
                    column: Int(try ValueDecoding.count(try e.required("column", in: "the expectation record"), what: "column")))
                expectations.append(x)
            }
        }
    }
}
