import Foundation
import Testing
import SyncSimCore
import SyncSimTestSupport
@testable import SyncSimRender

/// The swimlane of long runs: every event and cycle is drawn, as a mark of its own or counted
/// in a group, and the drawing stays a readable size.
@Suite struct SwimlaneTests {
    static func picture(events count: Int, seed: UInt64) -> (lanes: Swimlane, svg: String, events: Int) {
        var stream = RandomStream(seed: seed)
        stream.events = count
        stream.maxGap = 40
        let events = stream.generate()
        let end = events.last!.at + 3_600
        let (_, lanes) = ReportData.build(title: "long", rules: stream.rules(), events: events.makeIterator(), through: end, expectations: [])
        return (lanes, SwimlaneSVG(lanes).render(standalone: true), events.count)
    }

    @Test(arguments: [(12, UInt64(1)), (400, 2), (3_000, 3)])
    func everyEventOnceWhateverTheLength(count: Int, seed: UInt64) throws {
        let (lanes, svg, events) = Self.picture(events: count, seed: seed)
        let seqs = captures(#"data-seq="([0-9 ]+)""#, in: svg).flatMap { $0.split(separator: " ").map { Int($0)! } }
        #expect(seqs.sorted() == Array(1...events))
        let counts = captures(#"data-count="(\d+)""#, in: svg).map { Int($0)! }
        #expect(counts.reduce(0, +) == events)
        #expect(captures(#"<g class="cycle[^"]*"[^>]* data-cycle="(\d+)""#, in: svg).count == lanes.cycles.count)
        // At most a mark per few pixels of each lane, however many events.
        #expect(counts.count <= 3 * 4 * Int((SwimlaneSVG.x1 - SwimlaneSVG.x0) / SwimlaneSVG.mergeDistance) + 3)
        if count >= 3_000 { #expect(counts.contains { $0 > 4 }, "a long run groups its marks") }
        // Some marks keep a label even when the lanes are crowded.
        let labels = captures(#"<text class="label[^"]*" x="([0-9.]+)" y="[0-9.]+">"#, in: svg)
        #expect(!labels.isEmpty)
    }

    /// The swimlane gathered alone (slides, diff pages) is the report's, for a run within the
    /// report's limits.
    @Test(arguments: [UInt64(4), 5, 6])
    func gatheredAloneItIsTheReportsPicture(seed: UInt64) {
        var stream = RandomStream(seed: seed)
        stream.events = 300
        let events = stream.generate()
        let end = events.last!.at + 3_600
        let report = ReportData.build(title: "t", rules: stream.rules(), events: events.makeIterator(), through: end, expectations: []).lanes
        let alone = Swimlane.of(title: "t", rules: stream.rules(), events: events.makeIterator(), through: end)
        #expect(SwimlaneSVG(alone).render() == SwimlaneSVG(report).render())
        #expect(!alone.marks.isEmpty && !alone.cycles.isEmpty)
    }

    @Test func aLocalEditSupersededByAnotherIsNotLost() {
        let events = [
            Event(at: 0, kind: .accountCreate(account: "acme", fields: ["industry": .string("Retail")])),
            Event(at: 0, kind: .contactCreate(contact: "al", account: "acme", fields: [:])),
            Event(at: 360, kind: .marketoAccountEdit(contact: "al", fields: ["industry": .string("A")])),
            Event(at: 420, kind: .marketoAccountEdit(contact: "al", fields: ["industry": .string("B")])),
            Event(at: 450, kind: .accountUpdate(account: "acme", fields: ["industry": .string("C")])),
        ]
        let (_, lanes) = ReportData.build(title: "t", rules: SyncRules(), events: events.makeIterator(), through: 900, expectations: [])
        let edits = lanes.marks.filter { $0.kind == "edit" }
        #expect(edits.map(\.endedAt) == [420, 600])
        #expect(edits.map { $0.lost.map(\.cycle) } == [[], [2]])
    }

    @Test func aLongValueIsShortInItsLabelAndWholeInItsTitle() {
        let long = String(repeating: "x", count: 200)
        let events = [
            Event(at: 0, kind: .accountCreate(account: "acme", fields: [:])),
            Event(at: 0, kind: .contactCreate(contact: "al", account: "acme", fields: [:])),
            Event(at: 360, kind: .marketoAccountEdit(contact: "al", fields: ["note": .string(long)])),
        ]
        let (_, lanes) = ReportData.build(title: "t", rules: SyncRules(), events: events.makeIterator(), through: 400, expectations: [])
        let edit = lanes.marks.first { $0.kind == "edit" }!
        #expect(edit.label.count == 48 && edit.label.hasSuffix("…"))
        let svg = SwimlaneSVG(lanes).render()
        #expect(svg.contains(">al: note=&quot;xxxx") && svg.contains(long))
    }
}
