import Testing
@testable import SyncSimCore

/// Seeded random event streams: the projection is deterministic and consistent.
@Suite struct PropertyTests {
    static let seeds: [UInt64] = Array(1...60)

    /// A projector that keeps its landed cycles' events (for the caller to free) projects as
    /// one that frees them, and hands over each event a cycle carried, once.
    @Test(arguments: seeds.prefix(20))
    func landedEventsAreHandedOverOnce(seed: UInt64) {
        let stream = RandomStream(seed: seed)
        var keeping = Projector(rules: stream.rules())
        keeping.keepsLanded = true
        var plain = Projector(rules: stream.rules())
        var (waiting, handed) = (0, 0)
        for (i, e) in stream.generate().enumerated() {
            switch e.kind {
            case .accountCreate, .accountUpdate, .accountDelete, .contactCreate, .contactMove: waiting += 1
            default: break
            }
            keeping.apply(e, seq: i + 1)
            plain.apply(e, seq: i + 1)
            if i % 7 == 0 { handed += keeping.takeLanded().cycles.reduce(0) { $0 + $1.count } }
        }
        let end = keeping.now + 3600
        keeping.advance(to: end)
        plain.advance(to: end)
        handed += keeping.takeLanded().cycles.reduce(0) { $0 + $1.count }
        #expect(handed == waiting, "seed \(seed)")
        #expect(keeping.takeLanded().cycles.isEmpty)
        #expect(keeping.projection() == plain.projection(), "seed \(seed)")
        #expect(plain.takeLanded().cycles.isEmpty)
    }

    @Test(arguments: seeds)
    func projectionAtTEqualsProjectionOfPrefix(seed: UInt64) {
        let stream = RandomStream(seed: seed)
        let rules = stream.rules()
        let events = stream.generate()
        var incremental = Projector(rules: rules, keepingActivityRecords: true)
        let last = events.last?.at ?? 0
        var rng = SplitMix64(seed: seed &* 31)
        let probes = (0..<8).map { _ in Seconds(rng.next() % UInt64(last + 900)) }.sorted()
        var probe = 0
        for (i, e) in events.enumerated() {
            while probe < probes.count, probes[probe] < e.at {
                incremental.advance(to: probes[probe])
                let fresh = Simulation.projection(rules: rules, events: events, at: probes[probe])
                #expect(incremental.projection() == fresh, "seed \(seed) at \(probes[probe])")
                probe += 1
            }
            incremental.apply(e, seq: i + 1)
            if let v = incremental.invariantViolation() {
                Issue.record("seed \(seed) after #\(i + 1): \(v)")
                return
            }
        }
    }

    /// The fold, which holds a few events ahead to prefetch what they read, applies every event
    /// once and in order, and stops where it is told: the same state as applying them one by one,
    /// for streams shorter and longer than what it holds ahead, up to any instant.
    @Test(arguments: seeds.prefix(10))
    func foldEqualsApplyingEventsOneByOne(seed: UInt64) {
        let stream = RandomStream(seed: seed)
        let rules = stream.rules()
        let all = stream.generate()
        var rng = SplitMix64(seed: seed &* 7)
        for count in [0, 1, 2, 3, 4, 5, 6, all.count] {
            let events = Array(all.prefix(count))
            let last = events.last?.at ?? 0
            // No instant; any instant; an event's own instant (which it applies at).
            let own = events.isEmpty ? 0 : events[Int(rng.next() % UInt64(events.count))].at
            for instant in [nil, Seconds(rng.next() % UInt64(last + 600)), own] {
                var iterator = events.makeIterator()
                let folded = Simulation.fold(rules: rules, events: &iterator, through: instant)
                var applied = Projector(rules: rules)
                for (i, e) in events.enumerated() where instant.map({ e.at <= $0 }) ?? true { applied.apply(e, seq: i + 1) }
                if let instant { applied.advance(to: instant) }
                #expect(folded.snapshot() == applied.snapshot(), "seed \(seed): \(count) events through \(instant.map(String.init) ?? "the end")")
            }
        }
    }

    @Test(arguments: seeds.prefix(20))
    func replayTwiceGivesTheSameDigest(seed: UInt64) {
        let stream = RandomStream(seed: seed)
        let a = Simulation.projection(rules: stream.rules(), events: stream.generate(), at: 100_000)
        let b = Simulation.projection(rules: stream.rules(), events: stream.generate(), at: 100_000)
        #expect(a.digest == b.digest)
        #expect(CanonicalJSON.string(for: a.json) == CanonicalJSON.string(for: b.json))
    }

    @Test(arguments: seeds.prefix(20))
    func eventsSurviveTheirCanonicalJSON(seed: UInt64) throws {
        for e in RandomStream(seed: seed).generate() {
            let decoded = try Event(canonicalJSON: CanonicalJSON.string(for: e.json))
            #expect(CanonicalJSON.string(for: decoded.json) == CanonicalJSON.string(for: e.json))
        }
    }

    @Test(arguments: seeds.prefix(20))
    func fastCanonicalWriterMatchesTheGenericOne(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let notes = [nil, "plain", "quote \" and \\ backslash", "tab\tnewline\n", "\u{1B}[31mred", "é ü 漢字", "\u{85} \u{2028}", ""]
        for var e in RandomStream(seed: seed).generate() {
            e.note = notes[Int(rng.next() % UInt64(notes.count))]
            #expect(e.canonicalBytes == CanonicalJSON.bytes(for: e.json), "\(e)")
        }
    }

    /// The fast decoder accepts only what the general decoder accepts, and gives the same event;
    /// checked on canonical events and on mutated copies of them.
    @Test(arguments: seeds.prefix(20))
    func fastDecoderAgreesWithTheGeneralOne(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let junk: [[UInt8]] = [Array("\"".utf8), Array(",".utf8), Array("}".utf8), Array(" ".utf8), Array("1.5".utf8),
                               Array("null".utf8), Array("\\u0041".utf8), [0xFF], Array("\"at\":1,".utf8), Array("-0".utf8)]
        var accepted = 0
        for e in RandomStream(seed: seed).generate() {
            var bytes = e.canonicalBytes
            for _ in 0..<4 {
                let fast = FastEventDecoder.decode(bytes[...])
                let general = try? EventDecoder.decode(try JSONReader.parse(bytes)).event
                if let fast {
                    accepted += 1
                    #expect(general == fast, "\(String(decoding: bytes, as: UTF8.self))")
                    // A line taken for canonical JSON is stored as it is: it must be exactly that.
                    if let (e, isCanonical) = FastEventDecoder.decodeNoticingCanonical(bytes[...]), isCanonical {
                        #expect(bytes == e.canonicalBytes, "\(String(decoding: bytes, as: UTF8.self))")
                    }
                }
                // Mutate: insert junk, delete a byte, or duplicate a slice.
                let at = Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 3 {
                case 0: bytes.insert(contentsOf: junk[Int(rng.next() % UInt64(junk.count))], at: at)
                case 1: bytes.remove(at: at)
                default: bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + 6)], at: at)
                }
            }
        }
        #expect(accepted > 0)
    }

    /// Lines that decode to an event but are not its canonical JSON are told apart from those that are.
    /// Some canonical lines are passed over too (their events are then written again), never the reverse.
    @Test func fastDecoderNoticesWhatIsNotCanonical() throws {
        let canonical = [
            #"{"account":"a1","at":0,"fields":{"city":"Oslo","revenue":-5},"type":"dynamics.account.create"}"#,
            #"{"at":3,"contact":"c1","type":"dynamics.contact.create"}"#,
            #"{"account":"a1","at":3,"contact":"c1","fields":{"x":null},"type":"dynamics.contact.create"}"#,
            #"{"at":7,"contact":"c1","fields":{"a":true,"b":"B"},"note":"n","type":"marketo.account.edit"}"#,
        ]
        let not = [
            #"{"account":"a1", "at":0,"fields":{"city":"Oslo"},"type":"dynamics.account.create"}"#,
            #"{"at":0,"account":"a1","fields":{"city":"Oslo"},"type":"dynamics.account.create"}"#,
            #"{"account":"a1","at":0,"fields":{"revenue":-0},"type":"dynamics.account.create"}"#,
            #"{"account":"a1","at":0,"fields":{"revenue":1,"city":"Oslo"},"type":"dynamics.account.create"}"#,
            // Canonical, but non-ASCII text is left to the writer rather than checked.
            #"{"account":"a1","at":0,"fields":{"city":"Zürich"},"type":"dynamics.account.create"}"#,
            "{\"account\":\"a1\",\"at\":0,\"fields\":{\"city\":\"O\u{7F}\"},\"type\":\"dynamics.account.create\"}",
            #"{"account":null,"at":3,"contact":"c1","type":"dynamics.contact.create"}"#,
            #"{"at":3,"contact":"c1","fields":{},"type":"dynamics.contact.create"}"#,
            #"{"at":7,"contact":"c1","fields":{"a":true},"type":"marketo.account.edit","note":"n"}"#,
            #"{"account":"a1","at":0,"fields":{"city":"Oslo"},"type":"dynamics.account.create"} "#,
        ]
        for line in canonical + not {
            let bytes = Array(line.utf8)
            let decoded = try #require(FastEventDecoder.decodeNoticingCanonical(bytes[...]), "\(line)")
            #expect(decoded.isCanonical == canonical.contains(line), "\(line)")
            if decoded.isCanonical { #expect(decoded.event.canonicalBytes == bytes, "\(line)") }
        }
    }

    @Test func fastDecoderTakesEveryWorkloadEvent() {
        var w = Workload()
        w.events = 3000
        w.accounts = 50
        w.contacts = 500
        w.rules = false
        var refused = 0, notCanonical = 0
        var unnoticed = 0
        w.generate { line in
            let bytes = CanonicalJSON.bytes(for: line)
            var noticed: [String] = []
            guard let (event, isCanonical) = FastEventDecoder.decodeNoticingCanonical(bytes[...], noticing: { id, isContact in
                noticed.append((isContact ? "contact " : "account ") + id)
            }) else { refused += 1; return }
            if !isCanonical { notCanonical += 1 }
            // Every id the event names is told, once, as what it is.
            var ids: [String] = []
            switch event.kind {
            case .accountCreate(let a, _), .accountUpdate(let a, _), .accountDelete(let a), .marketoAccountCreate(let a, _): ids = ["account " + a]
            case .contactCreate(let c, let a, _): ids = (a.map { ["account " + $0] } ?? []) + ["contact " + c]
            case .contactMove(let c, let a): ids = ["account " + a, "contact " + c]
            case .marketoAccountEdit(let c, _): ids = ["contact " + c]
            case .configure: break
            }
            if noticed != ids { unnoticed += 1 }
        }
        #expect(refused == 0)
        #expect(unnoticed == 0)
        // Generated streams are canonical JSON: an import stores their lines as they are.
        #expect(notCanonical == 0)
    }

    @Test(arguments: seeds.prefix(20))
    func generatedStreamsAreValid(seed: UInt64) throws {
        var validator = EventValidator()
        for e in RandomStream(seed: seed).generate() { try validator.admit(e) }
    }
}

/// A projector restored from a snapshot continues exactly like one that never stopped.
@Suite struct SnapshotTests {
    @Test(arguments: Array(UInt64(1)...30))
    func checkpointPlusTailEqualsFullReplay(seed: UInt64) {
        var stream = RandomStream(seed: seed)
        stream.events = 300
        let rules = stream.rules()
        let events = stream.generate()
        var rng = SplitMix64(seed: seed &* 7919)
        let cut = Int(rng.next() % UInt64(events.count))
        var head = Projector(rules: rules)
        for (i, e) in events.prefix(cut).enumerated() { head.apply(e, seq: i + 1) }
        let bytes = head.snapshot()
        guard let restored = Projector(snapshot: bytes) else {
            Issue.record("seed \(seed): the snapshot does not decode")
            return
        }
        #expect(restored.snapshot() == bytes, "seed \(seed): snapshots are deterministic")
        #expect(restored.projection() == head.projection(), "seed \(seed), cut \(cut): restored as it was")
        for _ in 0..<4 {
            let t = Seconds(rng.next() % UInt64((events.last?.at ?? 0) + 1200))
            guard t >= head.now else { continue }
            var tail = events[cut...].makeIterator()
            let resumed = Simulation.fold(from: restored, events: &tail, through: t)
            let full = Simulation.projection(rules: rules, events: events, at: t)
            #expect(resumed.projection() == full, "seed \(seed), cut \(cut), at \(t)")
        }
    }

    /// Snapshots that reuse what earlier ones encoded (names, rejections, unchanged accounts and
    /// chunks of contacts) are the same bytes. Half the seeds have contacts enough for several
    /// chunks of ``Projector/contactChunk``, so that most chunks are unchanged between two snapshots.
    @Test(arguments: Array(UInt64(1)...10))
    func snapshotsReusingACacheAreTheSameBytes(seed: UInt64) {
        var stream = RandomStream(seed: seed)
        stream.events = seed % 2 == 0 ? 1200 : 400
        if seed % 2 == 0 { stream.contacts = 6 * Projector.contactChunk }
        var p = Projector(rules: stream.rules())
        let cache = Projector.SnapshotCache()
        var taken = 0
        for (i, e) in stream.generate().enumerated() {
            p.apply(e, seq: i + 1)
            // Often enough that most accounts are unchanged between two snapshots, and each kind
            // of change is met between some two.
            if i % 11 == 0 {
                #expect(p.snapshot(reusing: cache) == p.snapshot(), "seed \(seed), after event \(i + 1)")
                taken += 1
            }
        }
        #expect(taken > 20)
        if seed % 2 == 0 { #expect(p.contactChunkVersions.count > 3) }
    }

    /// A checkpoint is the snapshot whole, or a patch of the one before that gives the snapshot
    /// back from that one's; a whole snapshot follows at most ``Projector/patchChain`` patches.
    @Test(arguments: Array(UInt64(1)...10))
    func checkpointPatchesGiveTheirSnapshots(seed: UInt64) {
        var stream = RandomStream(seed: seed)
        stream.events = 1200
        stream.contacts = 6 * Projector.contactChunk
        var p = Projector(rules: stream.rules())
        let cache = Projector.SnapshotCache()
        var previous: (seq: Int, snapshot: [UInt8])?
        var (patches, inARow) = (0, 0)
        // The last whole snapshot and the patches since: applied in one pass, the same snapshot.
        var whole: [UInt8] = []
        var chain: [[UInt8]] = []
        for (i, e) in stream.generate().enumerated() {
            p.apply(e, seq: i + 1)
            guard i % 37 == 36 else { continue }
            let stored = p.checkpoint(reusing: cache)
            let snapshot = p.snapshot()
            if let base = Projector.patchBase(stored) {
                patches += 1
                inARow += 1
                #expect(inARow <= Projector.patchChain, "seed \(seed), after event \(i + 1)")
                #expect(base == previous?.seq, "seed \(seed): a patch names the checkpoint before it")
                #expect(stored.count < snapshot.count)
                #expect(Projector.applyPatch(stored, to: previous?.snapshot ?? []) == snapshot, "seed \(seed), after event \(i + 1)")
                chain.append(stored)
                #expect(Projector.applyPatches(chain, to: whole) == snapshot, "seed \(seed), \(chain.count) patches")
            } else {
                (whole, chain) = (stored, [])
                #expect(stored == snapshot, "seed \(seed), after event \(i + 1)")
                #expect(previous == nil || inARow == Projector.patchChain || cache.patchesInARow == 0)
                inARow = 0
            }
            previous = (i + 1, snapshot)
        }
        #expect(patches >= 15, "seed \(seed): \(patches) patches")
    }

    /// A damaged patch, or one applied to another snapshot than its base's, gives nothing.
    @Test func damagedPatchesDoNotApply() throws {
        var stream = RandomStream(seed: 3)
        stream.events = 1200
        var p = Projector(rules: stream.rules())
        let cache = Projector.SnapshotCache()
        let events = stream.generate()
        for (i, e) in events.prefix(400).enumerated() { p.apply(e, seq: i + 1) }
        let base = p.checkpoint(reusing: cache)
        for (i, e) in events[400..<800].enumerated() { p.apply(e, seq: 401 + i) }
        let patch = p.checkpoint(reusing: cache)
        let snapshotAt800 = p.snapshot()
        #expect(Projector.patchBase(patch) == 400)
        #expect(Projector.patchBase(base) == nil)
        #expect(Projector.applyPatch(patch, to: base) == snapshotAt800)
        #expect(Projector.applyPatch(Array(patch.dropLast()), to: base) == nil)
        #expect(Projector.applyPatch(patch + [0], to: base) == nil)
        #expect(Projector.applyPatch(patch, to: Array(base.dropLast(base.count / 2))) == nil)
        #expect(Projector.applyPatch(base, to: base) == nil)
        #expect(Projector.applyPatches([], to: base) == base)
        // A chain with a damaged link gives nothing either.
        for (i, e) in events.dropFirst(800).enumerated() { p.apply(e, seq: 801 + i) }
        let next = p.checkpoint(reusing: cache)
        #expect(Projector.patchBase(next) == 800)
        #expect(Projector.applyPatches([patch, next], to: base) == p.snapshot())
        #expect(Projector.applyPatches([Array(patch.dropLast()), next], to: base) == nil)
        #expect(Projector.applyPatches([patch, Array(next.dropLast())], to: base) == nil)
        // Every byte of the patch changed in turn, up to its first parts: each gives nothing, or
        // (a byte of the snapshot's own) another snapshot, never a crash. Bytes 1 and 2 are the
        // base's number (400), which the log's reader checks, not the patch's application.
        for k in 0..<min(patch.count, 400) where !(1...2).contains(k) {
            var damaged = patch
            damaged[k] ^= 0x55
            if let out = Projector.applyPatch(damaged, to: base) { #expect(out != snapshotAt800 || damaged == patch) }
        }
    }

    /// A rejection's type and reason are written once per snapshot, then by number, and read back
    /// the same; a number beyond the texts read so far is malformed.
    @Test func repeatedRejectionTextsAreWrittenOnce() throws {
        var p = Projector(rules: SyncRules())
        for i in 0..<300 {
            let kind: Event.Kind = i % 3 == 0 ? .marketoAccountEdit(contact: "c\(i)", fields: ["x": .string("y")])
                                              : .marketoAccountCreate(account: "a\(i)", fields: [:])
            p.apply(Event(at: Int64(i), kind: kind), seq: i + 1)
        }
        #expect(p.rejections.count == 300)
        let bytes = p.snapshot()
        func occurrences(_ text: String) -> Int {
            let t = Array(text.utf8)
            return (0...(bytes.count - t.count)).filter { bytes[$0..<$0 + t.count].elementsEqual(t) }.count
        }
        #expect(occurrences("Marketo cannot create accounts in Dynamics (R5)") == 1)
        #expect(occurrences("marketo.account.create") == 1)
        #expect(occurrences("is not in Marketo yet") == 100)  // each names its contact
        let restored = try #require(Projector(snapshot: bytes))
        #expect(restored.rejections == p.rejections)

        var w = SnapshotWriter()
        var table = SnapshotWriter.TextTable()
        // "é" composed and decomposed: equal as strings, written apart.
        let texts = ["a", "b", "a", "\u{E9}", "a", "b", "e\u{301}", "c", "\u{E9}", "e\u{301}"]
        for t in texts { w.text(t, &table) }
        w.uint(UInt64(table.count + 1))  // a text never written
        var r = SnapshotReader(bytes: w.bytes)
        var read: [String] = []
        let back = try texts.indices.map { _ in try r.text(&read) }
        #expect(back.map { Array($0.utf8) } == texts.map { Array($0.utf8) })
        #expect(throws: SnapshotReader.Malformed.self) { try r.text(&read) }
    }

    /// Marketo's fields are stored as their differences from Dynamics': every kind of difference
    /// comes back, and a difference that changes nothing is refused (one form for one content).
    @Test func companyFieldsAreStoredAsTheirDifferencesFromDynamics() throws {
        func values(_ pairs: [(Int32, Value)]) -> FieldValues { FieldValues(sorted: pairs.map { .init(field: $0.0, value: $0.1) }) }
        let base = values([(0, .string("a")), (1, .number(.int(1))), (3, .bool(true)), (5, .string("e"))])
        let cases: [FieldValues] = [
            base,                                                                   // no difference
            values([(0, .string("a")), (1, .number(.double(1.5))), (3, .bool(true)), (5, .string("e"))]),  // changed
            values([(1, .number(.int(1))), (3, .bool(true))]),                     // removed first and last
            values([(0, .string("a")), (1, .number(.int(1))), (2, .string("b")), (3, .bool(true)),
                    (5, .string("e")), (6, .string("f"))]),                       // added inside and after
            values([(4, .string("only"))]),                                         // nothing in common
            FieldValues(),                                                          // all removed
        ]
        for c in cases {
            var w = SnapshotWriter()
            w.fields(c, over: base)
            var r = SnapshotReader(bytes: w.bytes)
            #expect(try r.fields(8, over: base) == c)
            #expect(r.atEnd)
            if c == base { #expect(w.bytes == [0], "no difference: one byte") }
        }
        // Field 1 "changed" to the value it has, and field 2 "removed" though absent.
        for bytes: [UInt8] in [[1, 1, 3, 2], [1, 2, 0]] {
            var r = SnapshotReader(bytes: bytes)
            #expect(throws: SnapshotReader.Malformed.self) { try r.fields(8, over: base) }
        }
        // Without Dynamics' fields, the values are stored whole.
        var w = SnapshotWriter()
        w.fields(cases[3], over: nil)
        var whole = SnapshotWriter()
        whole.fields(cases[3])
        #expect(w.bytes == whole.bytes)
    }

    /// A snapshot's waiting events are written in binary, kind by kind; every kind comes back
    /// equal to the event written, the kinds that never wait too (as their canonical JSON), and
    /// fields out of their canonical order are refused.
    @Test func waitingEventsComeBackFromASnapshotAsTheyWere() throws {
        let fields: EventFields = ["b": .null, "a": .string("x\u{E9}\n"), "c": .number(.double(2.5)), "d": .number(.int(-7)), "e": .bool(false)]
        let events = [
            Event(at: 0, kind: .accountCreate(account: "a1", fields: fields)),
            Event(at: 5, kind: .accountUpdate(account: "a1", fields: ["name": .string("N")]), note: "a note"),
            Event(at: 5, kind: .accountDelete(account: "a2")),
            Event(at: 9, kind: .contactCreate(contact: "c1", account: nil, fields: [:])),
            Event(at: 9, kind: .contactCreate(contact: "c2", account: "a1", fields: ["x": .number(.int(1))])),
            Event(at: 12, kind: .contactMove(contact: "c1", account: "a1"), note: ""),
            Event(at: 13, kind: .marketoAccountEdit(contact: "c1", fields: ["x": .string("y")])),
            Event(at: 14, kind: .marketoAccountCreate(account: "m", fields: [:]), note: "n"),
        ]
        var w = SnapshotWriter()
        w.events(events.enumerated().map { Projector.Carried(seq: $0.offset + 1, event: $0.element) })
        var r = SnapshotReader(bytes: w.bytes)
        let back = try r.events()
        #expect(back.map(\.event) == events)
        #expect(back.map(\.seq) == Array(1...events.count))
        #expect(r.atEnd)
        // An account update whose two fields come in the wrong order.
        var bad = SnapshotWriter()
        bad.byte(2); bad.string("a1"); bad.uint(2)
        bad.string("b"); bad.value(.null); bad.string("a"); bad.value(.null)
        bad.int(0); bad.optionalString(nil)
        var rb = SnapshotReader(bytes: bad.bytes)
        #expect(throws: SnapshotReader.Malformed.self) { try rb.event() }
    }

    @Test func truncatedOrAlteredSnapshotsAreRefused() {
        let stream = RandomStream(seed: 3)
        var p = Projector(rules: stream.rules())
        for (i, e) in stream.generate().enumerated() { p.apply(e, seq: i + 1) }
        let bytes = p.snapshot()
        #expect(Projector(snapshot: Array(bytes.dropLast())) == nil)
        #expect(Projector(snapshot: bytes + [0]) == nil)
        #expect(Projector(snapshot: [9] + bytes.dropFirst()) == nil)
    }
}

/// The whole projection written member by member (`show` without a filter) is the projection
/// built whole: the same bytes of `show --json`, the same digest.
@Suite struct ProjectionWriterTests {
    static func written(_ projector: Projector, extra: [String: JSON] = [:]) -> (bytes: [UInt8], digest: String, pieces: Int) {
        var bytes: [UInt8] = []
        var pieces = 0
        let digest = ProjectionWriter(projector).writeJSON(extra: extra) { bytes += $0; pieces += 1 }
        return (bytes, digest, pieces)
    }

    static func expected(_ projector: Projector, extra: [String: JSON] = [:]) -> [UInt8] {
        guard case .object(var o) = projector.projection().json else { return [] }
        o.merge(extra) { a, _ in a }
        return CanonicalJSON.bytes(for: .object(o))
    }

    @Test(arguments: Array(UInt64(1)...30))
    func writtenAsItIsMadeItIsTheWholeProjection(seed: UInt64) {
        let stream = RandomStream(seed: seed)
        var projector = Projector(rules: stream.rules())
        for (i, e) in stream.generate().enumerated() { projector.apply(e, seq: i + 1) }
        let whole = projector.projection()
        let extra: [String: JSON] = seed % 2 == 0 ? ["why": .object(["a1": .object(["industry": .string("\u{1}x")])])] : [:]
        let w = Self.written(projector, extra: extra)
        #expect(w.bytes == Self.expected(projector, extra: extra), "seed \(seed)")
        #expect(w.digest == whole.digest, "seed \(seed)")
        #expect(ProjectionWriter(projector).digest() == whole.digest, "seed \(seed)")
    }

    /// A projection of thousands of contacts is written in pieces, and still in one piece of
    /// bytes with the right digest; an empty projector writes the empty projection.
    @Test func aLargeProjectionIsWrittenInPieces() throws {
        var workload = Workload()
        (workload.events, workload.accounts, workload.contacts) = (20_000, 300, 6_000)
        var projector = Projector(rules: SyncRules())
        var seq = 0
        var lines: [[UInt8]] = []
        workload.generate { lines.append(CanonicalJSON.bytes(for: $0)) }
        for line in lines {
            guard let (event, _) = FastEventDecoder.decodeNoticingCanonical(line[...]) else { continue }  // the rules line
            seq += 1
            projector.apply(event, seq: seq)
        }
        let w = Self.written(projector)
        #expect(w.pieces > 4, "\(w.bytes.count) bytes in \(w.pieces) pieces")
        #expect(w.bytes == Self.expected(projector))
        #expect(w.digest == projector.projection().digest)
        let empty = Projector(rules: SyncRules())
        #expect(Self.written(empty).bytes == Self.expected(empty))
        #expect(ProjectionWriter(empty).digest() == empty.projection().digest)
    }
}
