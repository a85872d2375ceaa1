import Foundation
import Testing
import SyncSimCore
import SyncSimTestSupport
@testable import SyncSimScenario

/// Every input error of the format names the file, line and column of the offending value.
@Suite struct LoaderErrorTests {
    static let head = """
    scenario: t
    events:
      - {at: 0s, type: dynamics.account.create, account: acme, fields: {name: Acme}}
      - {at: 0s, type: dynamics.contact.create, contact: alice, account: acme}

    """

    /// Loads `head` + `tail` as t.yaml and returns the error text.
    func error(_ tail: String, head: String = head, file: String = "t.yaml") -> String? {
        do {
            _ = try ScenarioLoader.load(bytes: Array((head + tail).utf8), file: file)
            return nil
        } catch {
            return error.description
        }
    }

    @Test(arguments: [
        // (tail appended on line 5, expected prefix, expected words)
        ("  - {at: 1m, type: dynamics.account.update, acount: acme, fields: {}}", "t.yaml:5:45:", "unknown key 'acount'"),
        ("  - {at: 1m, type: dynamics.account.update, fields: {}}", "t.yaml:5:5:", "missing key 'account'"),
        ("  - {at: 1m, type: dynamics.account.rename, account: acme}", "t.yaml:5:20:", "unknown event type"),
        ("  - {at: 5x, type: dynamics.account.delete, account: acme}", "t.yaml:5:10:", "expected at"),
        ("  - {at: -1, type: dynamics.account.delete, account: acme}", "t.yaml:5:10:", "expected at"),
        ("  - {at: 1.5, type: dynamics.account.delete, account: acme}", "t.yaml:5:10:", "expected at"),
        ("  - {at: 1000000000001, type: dynamics.account.delete, account: acme}", "t.yaml:5:10:", "expected at"),
        ("  - {at: 1m, type: dynamics.account.create, account: a b, fields: {}}", "t.yaml:5:54:", "invalid account id 'a b'"),
        ("  - {at: 1m, type: dynamics.account.update, account: acme, fields: {1x: 2}}", "t.yaml:5:69:", "invalid field name '1x'"),
        ("  - {at: 1m, type: dynamics.account.update, account: acme, fields: {x: [1]}}", "t.yaml:5:72:", "expected a field value"),
        ("  - {at: 1m, type: dynamics.account.update, account: acme, fields: {x: {y: 1}}}", "t.yaml:5:72:", "expected a field value"),
        ("  - {at: 1m, type: dynamics.account.update, account: acme, fields: {x: .inf}}", "t.yaml:5:72:", "finite"),
        ("  - {at: 1m, type: dynamics.account.update, account: acme, fields: {x: 1, x: 2}}", "t.yaml:5:75:", "duplicate key 'x'"),
        ("  - {at: -0s, type: dynamics.account.delete, account: acme}", "t.yaml:5:10:", "expected at"),
        ("  - {at: 0s, type: dynamics.account.create, account: acme, fields: {}}", "t.yaml:5:54:", "created twice"),
        ("  - {at: 0s, type: dynamics.contact.create, contact: alice}", "t.yaml:5:54:", "created twice"),
        ("  - {at: 0s, type: dynamics.account.update, account: globex, fields: {}}", "t.yaml:5:54:", "no earlier event created it"),
        ("  - {at: 0s, type: dynamics.contact.move, contact: bob, account: acme}", "t.yaml:5:52:", "not created by any earlier event"),
        ("  - {at: 0s, type: marketo.account.edit, contact: bob, fields: {}}", "t.yaml:5:51:", "not created by any earlier event"),
        ("  - {at: 0s, type: dynamics.contact.create, contact: bob, account: globex}", "t.yaml:5:68:", "no earlier event created it"),
        ("  - {at: 0s, type: sync.configure, interval: 1m}", "t.yaml:5:36:", "timing key"),
        ("  - {at: 0s, type: sync.configure, overwrite: sometimes}", "t.yaml:5:47:", "expected overwrite: all or changed"),
        ("  - {at: 0s, type: sync.configure, activityLimit: -1}", "t.yaml:5:51:", "activityLimit"),
        ("  - {at: 0s, type: sync.configure, fields: some}", "t.yaml:5:44:", "expected fields"),
        ("  - [at, 0s]", "t.yaml:5:5:", "expected an event"),
        ("  - {at: 0s, type: dynamics.account.update, account: acme, fields: {a: 1}, note: [x]}", "t.yaml:5:82:", "expected note"),
        ("expect:\n  - {at: 1m, contact: alice, feilds: {a: 1}}", "t.yaml:6:30:", "unknown key 'feilds'"),
        ("expect:\n  - {at: 1m, contact: alice}", "t.yaml:6:5:", "checks nothing"),
        ("expect:\n  - {at: 1m, contact: alice, activities: {count: 1, source: sales}}", "t.yaml:6:61:", "expected source"),
        ("expect:\n  - {at: 1m, account: acme, fields: {a: 1}}", "t.yaml:6:29:", "checks a contact"),
        ("extra: 1", "t.yaml:5:1:", "unknown key 'extra'"),
        ("  - {at: 0s, type: dynamics.account.update, account: acme, fields: {a: 1}", "t.yaml:", "invalid YAML"),
        // Version 2's keys (format 5.1 to 5.3) in `sync.configure` and expectations, and its
        // readings of values (5.0).
        ("  - {at: 0s, type: sync.configure, capacity: 0}", "t.yaml:5:46:", "expected capacity"),
        ("  - {at: 0s, type: sync.configure, capacity: -1}", "t.yaml:5:46:", "expected capacity"),
        ("  - {at: 0s, type: sync.configure, capacity: 1.5}", "t.yaml:5:46:", "found 1.5"),
        ("  - {at: 0s, type: sync.configure, capacity: 1.0}", "t.yaml:5:46:", "found 1.0"),
        ("  - {at: 0s, type: sync.configure, capacity: 1e3}", "t.yaml:5:46:", "found 1e3"),
        ("  - {at: 0s, type: sync.configure, capacity: lots}", "t.yaml:5:46:", "found 'lots'"),
        ("  - {at: 0s, type: sync.configure, capacity: 1000000001}", "t.yaml:5:46:", "expected capacity"),
        ("  - {at: 0s, type: sync.configure, queueOrder: sideways}", "t.yaml:5:48:", "expected queueOrder: modified or first, found 'sideways'"),
        ("  - {at: 0s, type: sync.configure, filter: 1bad}", "t.yaml:5:44:", "invalid field name '1bad'"),
        ("  - {at: 0s, type: sync.configure, filter: [a]}", "t.yaml:5:44:", "expected filter"),
        ("  - {at: 1m, type: dynamics.account.update, account: acme, fields: {x: 99999999999999999999}}", "t.yaml:5:72:", "integer out of range"),
        ("  - {at: 1m, type: dynamics.account.update, account: acme, fields: {x: .nan}}", "t.yaml:5:72:", "finite"),
        ("  - {at: 1m, type: dynamics.account.update, account: acme, fields: {x: -.inf}}", "t.yaml:5:72:", "finite"),
        ("  - {at: 1m, type: dynamics.account.create, account: caf\u{E9}, fields: {}}", "t.yaml:5:54:", "invalid account id"),
        ("expect:\n  - {at: 1m, queue: {records: -1}}", "t.yaml:6:31:", "records"),
        ("expect:\n  - {at: 1m, queue: {size: 1}}", "t.yaml:6:22:", "unknown key 'size'"),
        ("expect:\n  - {at: 1m, contact: alice, queue: {records: 1}}", "t.yaml:6:30:", "whole sync queue"),
        ("expect:\n  - {at: 1m, contact: alice, stale: true}", "t.yaml:6:30:", "checks an account"),
        ("expect:\n  - {at: 1m, pending: true}", "t.yaml:6:14:", "needs a `contact:` or `account:`"),
        ("expect:\n  - {at: 1m, account: acme, pending: yes}", "t.yaml:6:38:", "expected pending: true or false"),
    ])
    func inputErrors(tail: String, prefix: String, words: String) throws {
        let text = try #require(error(tail))
        #expect(text.hasPrefix(prefix), "\(text)")
        #expect(text.contains(words), "\(text)")
        #expect(text.contains(": error: "))
    }

    @Test func version2KeysInTheSyncBlock() throws {
        for (sync, column, words) in [("{capacity: 0}", 18, "expected capacity"), ("{queueOrder: lifo}", 20, "queueOrder"),
                                      ("{filter: \"new synctomkto\"}", 16, "invalid field name"), ("{capacity: \"50\"}", 18, "found '50'")] {
            let text = try #require(error("", head: "scenario: t\nsync: \(sync)\nevents: []\n"))
            #expect(text.hasPrefix("t.yaml:2:\(column):"), "\(text)")
            #expect(text.contains(words), "\(text)")
        }
        #expect(error("", head: "scenario: t\nsync: {capacity: 50, queueOrder: first, filter: new_synctomkto}\nevents: []\n") == nil)
        #expect(error("", head: "scenario: t\nsync: {capacity: unlimited, filter: none}\nevents: []\n") == nil)
    }

    @Test func timeGoingBackwards() throws {
        let text = try #require(error("  - {at: 2m, type: dynamics.account.update, account: acme, fields: {}}\n  - {at: 1m, type: dynamics.account.delete, account: acme}"))
        #expect(text.hasPrefix("t.yaml:6:10:"), "\(text)")
        #expect(text.contains("non-decreasing"))
    }

    @Test func actionsOnADeletedAccount() throws {
        let del = "  - {at: 1m, type: dynamics.account.delete, account: acme}\n"
        for (line, col) in [("  - {at: 2m, type: dynamics.account.update, account: acme, fields: {}}", 54),
                            ("  - {at: 2m, type: dynamics.account.delete, account: acme}", 54),
                            ("  - {at: 2m, type: dynamics.contact.create, contact: bob, account: acme}", 68),
                            ("  - {at: 2m, type: dynamics.contact.move, contact: alice, account: acme}", 68)] {
            let text = try #require(error(del + line))
            #expect(text.hasPrefix("t.yaml:6:\(col):"), "\(text)")
            #expect(text.contains("an earlier event deleted it"), "\(text)")
        }
        // A contact may move out of a deleted account.
        #expect(error(del + "  - {at: 2m, type: dynamics.account.create, account: globex, fields: {}}\n  - {at: 2m, type: dynamics.contact.move, contact: alice, account: globex}") == nil)
    }

    @Test func blockMappingDuplicateKeyPointsAtTheSecond() throws {
        let text = try #require(error("", head: "scenario: t\nevents: []\nscenario: u\n"))
        #expect(text.hasPrefix("t.yaml:3:1:"), "\(text)")
    }

    @Test func missingRequiredTopKeys() throws {
        #expect(try #require(error("", head: "events: []\n")).contains("missing key 'scenario'"))
        #expect(try #require(error("", head: "scenario: t\n")).contains("missing key 'events'"))
        #expect(try #require(error("", head: "scenario: Big_One\nevents: []\n")).hasPrefix("t.yaml:1:11:"))
        #expect(try #require(error("", head: "scenario: t\nsync: {interval: 0s}\nevents: []\n")).hasPrefix("t.yaml:2:18:"))
        #expect(try #require(error("", head: "scenario: t\nsync: {overwrite: sometimes}\nevents: []\n")).contains("all or changed"))
    }

    @Test func invalidUTF8NamesItsPlace() throws {
        var bytes = Array("scenario: t\nevents: []\ntitle: ab".utf8)
        bytes.append(0xFF)
        do {
            _ = try ScenarioLoader.load(bytes: bytes, file: "t.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("t.yaml:3:10:"), "\(error.description)")
        }
    }

    @Test func unknownExtension() throws {
        #expect(try #require(error("", file: "t.txt")).contains("expected .yaml, .yml or .jsonl"))
    }
}

@Suite struct YAMLSchemaTests {
    func value(_ yaml: String) throws -> Value {
        let node = try YAMLReader.parse("v: \(yaml)")
        guard case .mapping(let e) = node.kind, case .scalar(let v) = e[0].value.kind else { throw DecodeError("no", at: .init(line: 1, column: 1)) }
        return v
    }

    @Test(arguments: [
        ("true", Value.bool(true)), ("false", .bool(false)), ("True", .bool(true)),
        ("yes", .string("yes")), ("on", .string("on")), ("no", .string("no")), ("off", .string("off")),
        ("2024-01-01", .string("2024-01-01")), ("null", .null), ("~", .null), ("", .null),
        ("12", .number(.int(12))), ("-3", .number(.int(-3))), ("0x1F", .number(.int(31))), ("0o17", .number(.int(15))),
        ("1.5", .number(.double(1.5))), ("1e3", .number(.double(1000))), ("'12'", .string("12")), ("\"true\"", .string("true")),
        ("1_000", .string("1_000")), ("0b11", .string("0b11")), ("+12", .number(.int(12))), ("12:30", .string("12:30")),
    ])
    func coreSchema(text: String, expected: Value) throws {
        #expect(try value(text) == expected)
    }

    @Test func idsMayBeWrittenUnquoted() throws {
        let s = try ScenarioLoader.load(bytes: Array("""
        scenario: t
        events:
          - {at: 0, type: dynamics.account.create, account: 007, fields: {}}
        """.utf8), file: "t.yaml").scenario
        #expect(s.events[0].account == "007")
    }
}

@Suite struct JSONLinesTests {
    @Test func blankLinesAndALeadingConfigure() throws {
        let text = """
        {"type": "sync.configure", "interval": "1m", "overwrite": "changed"}

        {"at": 0, "type": "dynamics.account.create", "account": "a", "fields": {"n": 1}}
           \t
        {"at": "1m", "type": "dynamics.account.update", "account": "a", "fields": {"n": null}}
        """
        let s = try ScenarioLoader.load(bytes: Array(text.utf8), file: "day-1.jsonl").scenario
        #expect(s.id == "day-1")
        #expect(s.events.count == 2)
        #expect(s.rules.interval == 60)
        #expect(s.rules.overwrite == .changed)
        #expect(s.eventPositions.map(\.line) == [3, 5])
    }

    @Test func aByteOrderMarkIsSkipped() throws {
        let s = try ScenarioLoader.load(bytes: [0xEF, 0xBB, 0xBF] + Array(#"{"at": 0, "type": "dynamics.account.create", "account": "a", "fields": {}}"#.utf8), file: "b.jsonl").scenario
        #expect(s.events.count == 1)
    }

    @Test func emptyStreamIsValid() throws {
        #expect(try ScenarioLoader.load(bytes: [], file: "e.jsonl").scenario.events.isEmpty)
        #expect(try ScenarioLoader.load(bytes: Array("\n\n".utf8), file: "e.jsonl").scenario.events.isEmpty)
    }

    /// A stream read from its file gives what the same bytes give from memory: lines that cross
    /// the reader's 1 MB reads, a line longer than two of them, CRLF endings and a last line
    /// without a newline; an error after the long line still names its line.
    @Test func aFileIsReadAcrossItsChunks() throws {
        var lines = [#"{"at": 0, "type": "dynamics.account.create", "account": "a", "fields": {"n": 0}}"#]
        for i in 1...30_000 {
            lines.append(#"{"at": \#(i), "type": "dynamics.account.update", "account": "a", "fields": {"n": \#(i)}}"# + (i % 7 == 0 ? "\r" : ""))
        }
        lines.append(#"{"at": 30001, "type": "dynamics.account.update", "account": "a", "fields": {"long": ""# + String(repeating: "x", count: 2_500_000) + #""}}"#)
        lines.append(#"{"at": 30002, "type": "dynamics.account.update", "account": "a", "fields": {"n": -1}}"#)
        let bytes = Array(lines.joined(separator: "\n").utf8)
        let path = TemporaryDirectories.make("chunks") + "/chunks.jsonl"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }

        func all(_ reader: EventStreamReader) throws -> [(Event, Int, [UInt8]?)] {
            var out: [(Event, Int, [UInt8]?)] = []
            while let (event, position) = try reader.next() { out.append((event, position.line, reader.canonicalLine.map(Array.init))) }
            return out
        }
        let fromFile = try all(EventStreamReader(path: path))
        let fromMemory = try all(EventStreamReader(bytes: bytes, file: path))
        #expect(fromFile.count == 30_003)
        #expect(fromFile.map(\.0) == fromMemory.map(\.0))
        #expect(fromFile.map(\.1) == Array(1...30_003))
        #expect(fromFile.map(\.2) == fromMemory.map(\.2))
        // `nextRead` gives each event with the line and the bytes read that `next` leaves behind.
        var byNext: [(Event, [UInt8]?, Int)] = []
        let one = try EventStreamReader(path: path)
        while let (event, _) = try one.next() { byNext.append((event, one.canonicalLine.map(Array.init), one.bytesRead)) }
        var byNextRead: [(Event, [UInt8]?, Int)] = []
        let other = try EventStreamReader(path: path)
        var hintsAgree = true
        while try other.nextRead({ event, line, read, hint in
            hintsAgree = hintsAgree && hint == Projector.Prefetcher.Hint.of(event)
            byNextRead.append((event, line.map(Array.init), read))
        }) {}
        // Each event's hint, from the keys its checks worked out, is the one the event gives.
        #expect(hintsAgree)
        #expect(byNextRead.map(\.0) == byNext.map(\.0))
        #expect(byNextRead.map(\.1) == byNext.map(\.1))
        #expect(byNextRead.map(\.2) == byNext.map(\.2))
        #expect(byNextRead.last?.2 == bytes.count)
        // Lent lines leave the buffer to be refilled in place; a line kept past its call makes the
        // next refill copy the buffer whole.
        let canonicalPath = path + ".canonical.jsonl"
        try Data(fromMemory.map { $0.0.canonicalBytes }.joined(separator: [0x0A])).write(to: URL(fileURLWithPath: canonicalPath))
        defer { try? FileManager.default.removeItem(atPath: canonicalPath) }
        let lending = try EventStreamReader(path: canonicalPath)
        var lent = 0
        while try lending.nextRead({ _, line, _, _ in lent += line == nil ? 0 : 1 }) {}
        #expect(lent == 30_002)
        #expect(lending.bufferCopies == 0)
        let keeping = try EventStreamReader(path: canonicalPath)
        var kept: [ArraySlice<UInt8>] = []
        while try keeping.nextRead({ _, line, _, _ in if let line, kept.count < 100 { kept.append(line) } }) {}
        #expect(keeping.bufferCopies > 0)
        // Lines that are their events' canonical JSON come back as they are (but the first: it is
        // parsed in full, as it may hold the stream's rules).
        let canonical = fromMemory.prefix(3).map { $0.0.canonicalBytes }
        let stream = EventStreamReader(bytes: Array(canonical.joined(separator: [0x0A])), file: "c.jsonl")
        var returned: [[UInt8]?] = []
        while try stream.nextRead({ _, line, _, _ in returned.append(line.map(Array.init)) }) {}
        #expect(returned == [nil] + canonical.dropFirst().map { Optional($0) })
        guard case .accountUpdate(_, let fields) = fromFile[30_001].0.kind else { Issue.record("not an update"); return }
        #expect(fields["long"] == .string(String(repeating: "x", count: 2_500_000)))

        // The same file with a bad last line: the error names line 30,003.
        try Data(bytes + Array("\n{\"at\": 1}".utf8)).write(to: URL(fileURLWithPath: path))
        let reader = try EventStreamReader(path: path)
        #expect {
            while try reader.next() != nil {}
        } throws: { error in
            (error as? LoadError)?.description.hasPrefix("\(path):30004:") == true
        }
    }

    /// The checks reuse the key of the id the decoder noticed only for that id: an update of an
    /// account no event created, read right after an event about another account (a line with an
    /// escaped id, which the full parser reads), is refused, as is the same update spelled plainly.
    @Test func aNoticedIDsKeyServesThatIDOnly() throws {
        // Spelled with an escape (read by the full parser), then plainly (read by the fast one).
        for spelling in [#"a\u0032"#, "a2"] {
            let text = """
            {"at":0,"type":"dynamics.account.create","account":"a1","fields":{}}
            {"at":1,"type":"dynamics.account.update","account":"a1","fields":{"n":1}}
            {"at":2,"type":"dynamics.account.update","account":"\(spelling)","fields":{"n":2}}
            """
            let reader = EventStreamReader(bytes: Array(text.utf8), file: "k.jsonl")
            #expect {
                while try reader.nextRead({ _, _, _, _ in }) {}
            } throws: { error in
                let description = (error as? LoadError)?.description ?? ""
                return description.hasPrefix("k.jsonl:3:") && description.contains("cannot update account 'a2'")
            }
        }
    }

    @Test func errorsNameTheLine() {
        let text = """
        {"at": 0, "type": "dynamics.account.create", "account": "a", "fields": {}}
        {"at": 0, "type": "dynamics.account.create", "account": "a", "fields": {}}
        """
        #expect {
            _ = try ScenarioLoader.load(bytes: Array(text.utf8), file: "s.jsonl")
        } throws: { error in
            (error as? LoadError)?.description.hasPrefix("s.jsonl:2:57: error: account 'a' is created twice") == true
        }
        #expect {
            _ = try ScenarioLoader.load(bytes: Array("{\"type\": \"sync.configure\"}\n{\"type\": \"sync.configure\"}".utf8), file: "s.jsonl")
        } throws: { error in
            (error as? LoadError)?.description.hasPrefix("s.jsonl:2:1: error: missing key 'at'") == true
        }
        #expect {
            _ = try ScenarioLoader.load(bytes: Array("{\"at\": 0, \"type\": \"sync.configure\", \"start\": 5}".utf8), file: "s.jsonl")
        } throws: { error in
            (error as? LoadError)?.description.hasPrefix("s.jsonl:1:37: error: 'start' is a timing key") == true
        }
    }

    @Test func overridesParseAsYAML() throws {
        let c = try RuleOverrides.parse(["overwrite=changed", "fields=[name, industry]", "activityLimit=3", "interval=1m"])
        #expect(c.overwrite == .changed)
        #expect(c.fields == .list(["name", "industry"]))
        #expect(c.activityLimit == 3)
        #expect(c.interval == 60)
        #expect(throws: LoadError.self) { try RuleOverrides.parse(["overwrite=sometimes"]) }
        #expect(throws: LoadError.self) { try RuleOverrides.parse(["speed=2"]) }
        #expect(throws: LoadError.self) { try RuleOverrides.parse(["overwrite"]) }
    }
}
