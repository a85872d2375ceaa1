import Testing
import SyncSimCore
@testable import SyncSimRender

/// A text table's cells measured without being written have the width they have written.
@Suite struct TextBytesTests {
    static let cells: [Cell] = {
        var cells: [Cell] = [.value(.null), .value(.bool(true)), .value(.number(.double(2.5))), .text("in Marketo"), .text("Zürich")]
        for i: Int64 in [0, 7, 9, 10, 99, 100, -1, -10, 123_456_789, .max, .min] {
            cells += [.value(.number(.int(i))), .int(Int(i))]
        }
        for s in ["", "a", "city-13", "with \"quotes\"", "back\\slash", "tab\there", "del\u{7F}", "Zürich", "e\u{301}",
                  "\u{85}", "line\u{2028}", String(repeating: "w", count: 300)] {
            cells.append(.value(.string(s)))
        }
        return cells
    }()

    @Test func plainWidthsAreTheWrittenWidths() {
        var measured = 0
        for c in Self.cells {
            var text = TextBytes()
            let written = text.cell(c)
            #expect(written == c.text.count, "\(c.text)")
            if let w = TextBytes.plainWidth(c) {
                #expect(w == written, "\(c.text)")
                measured += 1
            }
            var scratch = TextBytes()
            #expect(scratch.measure(c) == written, "\(c.text)")
        }
        // Integers, no value and plain ASCII strings are measured without being written.
        #expect(measured == 2 * 11 + 1 + 4)
    }

    @Test func spacesOfAnyLength() {
        for n in [0, 1, 63, 64, 65, 200] {
            var text = TextBytes()
            text.spaces(n)
            #expect(text.bytes == [UInt8](repeating: 0x20, count: n))
        }
    }
}
