import Testing
@testable import SyncSimCore

@Suite struct JSONReaderTests {
    @Test func readsScalarsExactly() throws {
        let node = try JSONReader.parse(#"{"a": 1, "b": 1.0, "c": "x", "d": true, "e": null, "f": 1.2345678901234567e19, "g": -9223372036854775808}"#)
        guard case .mapping(let entries) = node.kind else { Issue.record("not a mapping"); return }
        let values = entries.map { e -> Value in if case .scalar(let v) = e.value.kind { return v }; return .null }
        #expect(values[0] == .number(.int(1)))
        if case .number(.int) = values[1] { Issue.record("1.0 should stay a double") }
        #expect(values[2] == .string("x"))
        #expect(values[3] == .bool(true))
        #expect(values[4] == .null)
        #expect(values[5] == .number(.double(1.2345678901234567e19)))
        #expect(values[6] == .number(.int(Int64.min)))
    }

    /// Integers are exact within 64 bits (format 5.0): a larger one is an input error, not a double.
    @Test(arguments: ["12345678901234567890", "99999999999999999999", "9223372036854775808", "-9223372036854775809"])
    func integersBeyondSixtyFourBitsAreErrors(number: String) {
        #expect(throws: DecodeError.self) { try JSONReader.parse("{\"f\": \(number)}") }
        #expect(JSONReaderTests.errorMessage("{\"f\": \(number)}").contains("integer out of range"))
    }

    static func errorMessage(_ text: String) -> String {
        do { _ = try JSONReader.parse(text) } catch { return error.message }
        return ""
    }

    @Test(arguments: [
        (#"{"a": 1, "a": 2}"#, 1, 10, "duplicate key"),
        (#"{"a": tru}"#, 1, 7, "expected a JSON value"),
        ("{\"a\": 1}\n x", 2, 2, "unexpected text"),
        (#"{"a": "\q"}"#, 1, 8, "invalid escape"),
        (#"{"a": 01}"#, 1, 7, "leading zero"),
        ("[1,", 1, 4, "expected a JSON value"),
    ])
    func errorsNameLineAndColumn(text: String, line: Int, column: Int, message: String) {
        #expect {
            _ = try JSONReader.parse(text)
        } throws: { error in
            guard let e = error as? DecodeError else { return false }
            return e.position == SourcePosition(line: line, column: column) && e.message.contains(message)
        }
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let text = String(repeating: "[", count: 100_000)
        #expect(throws: DecodeError.self) { try JSONReader.parse(text) }
    }

    @Test func invalidUTF8InStringsIsAnError() {
        #expect(throws: DecodeError.self) { try JSONReader.parse([0x22, 0xFF, 0x22]) }
    }
}
