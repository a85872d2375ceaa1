import Testing
@testable import SyncSimCore

@Suite struct ValueTests {
    @Test func numbersCompareByValueButNotAcrossTypes() {
        #expect(Value.number(.int(1)) == .number(.double(1.0)))
        #expect(Value.number(.int(1)).hashValue == Value.number(.double(1.0)).hashValue)
        #expect(Value.number(.int(1)) != .string("1"))
        #expect(Value.bool(true) != .number(.int(1)))
        #expect(Value.string("") != .null)
        #expect(Value.number(.double(2.5)) == .number(.double(2.5)))
    }

    @Test(arguments: [("0s", 0), ("90s", 90), ("5m", 300), ("1h30m", 5400), ("2d", 172_800), ("1d2h3m4s", 93784), ("1m90s", 150)])
    func durations(text: String, seconds: Int64) {
        #expect(SimTime.parse(text) == seconds)
    }

    @Test(arguments: ["", "5", "m", "5x", "1m1h", "1h1h", "-5m", "5 m", "1.5m", "5M", "99999999999999999999s", "11574075d"])
    func badDurations(text: String) {
        #expect(SimTime.parse(text) == nil)
    }

    @Test func formatRoundTrips() {
        for t: Seconds in [0, 1, 59, 60, 61, 3600, 5400, 86_400, 93784, 1_000_000_000_000] {
            #expect(SimTime.parse(SimTime.format(t)) == t)
        }
    }

    @Test func canonicalJSONSortsKeysAndEscapes() {
        let j = JSON.object(["b": .int(1), "a": .string("x\"\n\u{1B}"), "é": .null, "Z": .number(.double(1.0)),
                             "f": .number(.double(0.5)), "l": .array([.bool(true)])])
        #expect(CanonicalJSON.string(for: j) == #"{"Z":1,"a":"x\"\n\u001b","b":1,"f":0.5,"l":[true],"é":null}"#)
    }

    @Test func digestIsStableAcrossKeyInsertionOrder() {
        var a: [String: JSON] = [:]
        var b: [String: JSON] = [:]
        let keys = (0..<50).map { "k\($0)" }
        for k in keys { a[k] = .string(k) }
        for k in keys.reversed() { b[k] = .string(k) }
        #expect(CanonicalJSON.digest(of: .object(a)) == CanonicalJSON.digest(of: .object(b)))
        #expect(CanonicalJSON.digest(of: .object([:])) == "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a")
    }
}

@Suite struct EventFieldsTests {
    @Test func fieldsAreInCanonicalOrderWhateverTheyWereGivenIn() {
        let f = EventFields(["zeta": .number(.int(1)), "Alpha": .string("a"), "alpha": .null, "_x": .bool(true)])
        #expect(f.map { $0.key } == ["Alpha", "_x", "alpha", "zeta"])
        #expect(f["alpha"] == .null)
        #expect(f["beta"] == nil)
        #expect(f == EventFields(["alpha": .null, "zeta": .number(.int(1)), "_x": .bool(true), "Alpha": .string("a")]))
        #expect(f != EventFields(["alpha": .null, "zeta": .number(.int(2)), "_x": .bool(true), "Alpha": .string("a")]))
        #expect(f.dictionary == ["zeta": .number(.int(1)), "Alpha": .string("a"), "alpha": .null, "_x": .bool(true)])
    }

    @Test func theFastDecoderSortsFieldsOutOfOrderAndRefusesANameGivenTwice() throws {
        let unordered = Array(#"{"account":"a1","at":0,"fields":{"b":2,"a":1,"c":3},"type":"dynamics.account.update"}"#.utf8)
        let decoded = try #require(FastEventDecoder.decodeNoticingCanonical(unordered[...]))
        #expect(!decoded.isCanonical)
        #expect(decoded.event == Event(at: 0, kind: .accountUpdate(account: "a1", fields: ["a": .number(.int(1)), "b": .number(.int(2)), "c": .number(.int(3))])))
        #expect(decoded.event.canonicalBytes == Array(#"{"account":"a1","at":0,"fields":{"a":1,"b":2,"c":3},"type":"dynamics.account.update"}"#.utf8))
        for twice in [#"{"b":2,"a":1,"b":3}"#, #"{"a":1,"a":1}"#] {
            let line = Array(#"{"account":"a1","at":0,"fields":\#(twice),"type":"dynamics.account.update"}"#.utf8)
            #expect(FastEventDecoder.decode(line[...]) == nil, "\(twice)")
            #expect(throws: (any Error).self) { try EventDecoder.decode(try JSONReader.parse(line)) }
        }
    }

    @Test func theFastDecoderChecksFieldNamesAsTheGeneralOneDoes() {
        for name in ["a", "_", "A9", "a_b", String(repeating: "x", count: 64), "9a", "", "a-b", "a b", "é", String(repeating: "x", count: 65), "a\u{7F}"] {
            let line = Array("{\"account\":\"a1\",\"at\":0,\"fields\":{\"\(name)\":1},\"type\":\"dynamics.account.update\"}".utf8)
            let fast = FastEventDecoder.decode(line[...])
            #expect((fast != nil) == ValueDecoding.isValidFieldName(name), "\(name)")
            if let fast { #expect(fast == (try? EventDecoder.decode(try JSONReader.parse(line)).event), "\(name)") }
        }
    }
}

@Suite struct FastDecoderStringTests {
    /// A byte that the fast decoder must stop at, or note, is found wherever it stands in a
    /// string, whatever the string's length.
    @Test func everyKindOfByteIsFoundAtEveryPosition() throws {
        let specials: [(name: String, bytes: [UInt8])] = [
            ("backslash", [0x5C]), ("tab", [0x09]), ("newline", [0x0A]), ("nul", [0x00]), ("DEL", [0x7F]),
            ("é", [0xC3, 0xA9]), ("broken UTF-8", [0xFF]), ("quote", [0x22]),
        ]
        for length in 0...20 {
            for position in 0...length {
                for special in specials {
                    var text = Array(String(repeating: "x", count: length).utf8)
                    text.insert(contentsOf: special.bytes, at: position)
                    let line = Array(#"{"account":"a1","at":0,"fields":{"f":""#.utf8) + text + Array(#""},"type":"dynamics.account.update"}"#.utf8)
                    let fast = FastEventDecoder.decodeNoticingCanonical(line[...])
                    let general = try? EventDecoder.decode(try JSONReader.parse(line)).event
                    let what = "\(special.name) at \(position) of \(length)"
                    if let fast {
                        #expect(fast.event == general, "\(what)")
                        // Only plain ASCII is taken for canonical JSON.
                        #expect(!fast.isCanonical, "\(what)")
                    } else {
                        // Refused by the fast path: only what needs the general one (escapes, broken UTF-8) may be accepted there.
                        #expect(["backslash", "broken UTF-8", "quote", "tab", "newline", "nul"].contains(special.name) || general == nil, "\(what)")
                    }
                }
                let plain = Array(#"{"account":"a1","at":0,"fields":{"f":""#.utf8) + Array(String(repeating: "x", count: length).utf8)
                    + Array(#""},"type":"dynamics.account.update"}"#.utf8)
                let decoded = try #require(FastEventDecoder.decodeNoticingCanonical(plain[...]))
                #expect(decoded.isCanonical)
                #expect(decoded.event.canonicalBytes == plain)
            }
        }
    }
}
