import SyncSimCore

/// Draws a ``Swimlane`` as SVG on one time axis: the Dynamics lane, the sync cycles, the
/// Marketo lane and, when a capacity was set, the queue's size. 1280 × 720 user units, legible
/// on a slide; in the HTML report it scales to the page and follows the slider.
///
/// Marks closer than a few pixels are drawn as one, counted ("6 events"), so a run of
/// thousands of instants stays readable; labels are drawn where there is room, and every mark
/// has a `<title>` with its narration (a tooltip, and what screen readers say). Every value is
/// escaped: the picture holds text, never markup from the input.
public struct SwimlaneSVG {
    public static let width = 1280
    public static let height = 720

    /// The plot's left and right edges (the lane names sit left of it).
    static let x0 = 150.0, x1 = 1250.0
    /// Marks closer than this (in user units) are drawn as one.
    static let mergeDistance = 9.0

    public var lanes: Swimlane
    /// The time axis: from 0 to this instant (the later end, when two runs share an axis).
    public var axisEnd: Seconds
    /// Prefix of the ids in the drawing (two drawings on one page).
    public var idPrefix = "lane"
    /// Whether the report's script moves a cursor over it (not in a standalone file).
    public var interactive = false
    /// Time spans to shade (a diff's intervals), `to` nil for "until the end".
    public var shaded: [(from: Seconds, to: Seconds?)] = []

    public init(_ lanes: Swimlane, axisEnd: Seconds? = nil) {
        self.lanes = lanes
        self.axisEnd = max(axisEnd ?? lanes.end, lanes.end, 1)
    }

    // Lane bands: top and bottom of each.
    static let dynamicsBand = (top: 70.0, bottom: 220.0)
    static let cycleBand = (top: 235.0, bottom: 345.0)
    static let marketoBand = (top: 360.0, bottom: 520.0)
    static let queueBand = (top: 540.0, bottom: 640.0)
    static let axisY = 660.0

    func x(_ t: Seconds) -> Double { Self.x0 + Double(min(max(t, 0), axisEnd)) / Double(axisEnd) * (Self.x1 - Self.x0) }

    /// The whole drawing. `standalone` adds the XML namespace for a file of its own.
    public func render(standalone: Bool = false) -> String {
        var out = SVGText()
        // A file of its own names its namespace; inline in HTML, the parser knows it.
        out.open("svg", (standalone ? [("xmlns", "http://www.w3.org/2000/svg")] : []) + [("class", "swimlane"), ("id", idPrefix),
                         ("viewBox", "0 0 \(Self.width) \(Self.height)"), ("role", "group"),
                         ("aria-label", "Swimlane of " + lanes.title),
                         ("data-t1", "\(axisEnd)"), ("data-x0", fmt(Self.x0)), ("data-x1", fmt(Self.x1))]
                 + (standalone ? [("width", "\(Self.width)"), ("height", "\(Self.height)")] : [])
                 as [(String, String)])
        out.element("style", text: Self.style)
        out.element("rect", [("class", "background"), ("x", "0"), ("y", "0"), ("width", "\(Self.width)"), ("height", "\(Self.height)")])
        // The title on one line (about 100 characters at this size); whole in the label above.
        let title = lanes.title.count > 100 ? String(lanes.title.prefix(99)) + "…" : lanes.title
        out.element("text", [("class", "title"), ("x", "20"), ("y", "38")], text: title)
        band(&out, "Dynamics", Self.dynamicsBand)
        band(&out, "Sync cycles", Self.cycleBand)
        band(&out, "Marketo", Self.marketoBand)
        if lanes.capacitySet { band(&out, "Queue", Self.queueBand) }
        for (from, to) in shaded {
            out.element("rect", [("class", "shade"), ("x", fmt(x(from))), ("y", fmt(Self.dynamicsBand.top - 8)),
                                 ("width", fmt(max(x(to ?? axisEnd) - x(from), 2))),
                                 ("height", fmt(Self.marketoBand.bottom - Self.dynamicsBand.top + 16))],
                        title: "the runs differ from \(TextFormat.time(from))" + (to.map { " to \(TextFormat.time($0))" } ?? " on"))
        }
        drawAxis(&out)
        drawCycles(&out)
        for lane in [Swimlane.Lane.dynamics, .cycles, .marketo] {
            drawMarks(&out, lanes.marks.filter { $0.lane == lane }, band: lane)
        }
        if lanes.capacitySet { drawQueue(&out) }
        if interactive {
            out.element("line", [("class", "cursor"), ("id", idPrefix + "-cursor"), ("x1", fmt(x(0))), ("x2", fmt(x(0))),
                                 ("y1", fmt(Self.dynamicsBand.top - 10)), ("y2", fmt(Self.axisY))])
        }
        out.close("svg")
        return out.text
    }

    private func band(_ out: inout SVGText, _ name: String, _ b: (top: Double, bottom: Double)) {
        out.element("rect", [("class", "band"), ("x", fmt(Self.x0 - 6)), ("y", fmt(b.top)),
                             ("width", fmt(Self.x1 - Self.x0 + 12)), ("height", fmt(b.bottom - b.top))])
        out.element("text", [("class", "lane-name"), ("x", "20"), ("y", fmt((b.top + b.bottom) / 2 + 6))], text: name)
    }

    private func drawCycles(_ out: inout SVGText) {
        var labels = Rows(2)
        let barY = Self.cycleBand.bottom - 40
        for c in lanes.cycles {
            let (a, b) = (x(c.start), x(c.end))
            let width = max(b - a, 8), left = b - a >= 8 ? a : b - 4
            out.open("g", [("class", "cycle" + (c.full ? " full" : "")), ("data-at", "\(c.end)"), ("data-cycle", "\(c.index)"),
                           ("tabindex", "0"), ("role", "img"), ("aria-label", c.label)])
            out.element("title", text: c.narration.joined(separator: "\n"))
            out.element("rect", [("x", fmt(left)), ("y", fmt(barY)), ("width", fmt(width)), ("height", "22"), ("rx", "2")])
            let text = c.label + (c.full ? " (full)" : "")
            let atRight = left + Double(text.count) * 7.4 > Double(Self.width) - 8
            let from = atRight ? left - Double(text.count) * 7.4 : left
            if let row = labels.free(from: from) {
                labels.ends[row] = from + Double(text.count) * 7.6 + 10
                out.element("text", [("class", "label"), ("x", fmt(atRight ? left + width : left)), ("y", fmt(barY - 8 - Double(row) * 16))]
                            + (atRight ? [("text-anchor", "end")] : []), text: text)
            }
            out.close("g")
        }
    }

    /// Where a mark, or a group of marks drawn as one, goes.
    struct Placed {
        var marks: Range<Int>
        var x: Double
        var y: Double
        /// Where the drawing of the mark or the group ends on the right.
        var right: Double
        /// The label and whether it sits left of the mark (near the right edge); nil: no room.
        var label: (text: String, left: Bool)?
    }

    /// Lays out a lane's marks (in time order) in rows: marks within `distance` of each other
    /// stack (up to a row each), more than that are drawn as one counted mark; a label goes
    /// right of its mark when its row has room there. When a mark finds no free row, the lane
    /// is laid out again with marks merged over a wider distance, so marks never overlap.
    func layout(_ marks: [Swimlane.Mark], lane: Swimlane.Lane, distance: Double = mergeDistance) -> [Placed] {
        let rows: [Double]
        switch lane {
        case .dynamics: rows = [0, 1, 2, 3].map { Self.dynamicsBand.bottom - 22 - $0 * 34 }
        case .cycles: rows = [Self.cycleBand.top + 20]
        case .marketo: rows = [0, 1, 2, 3].map { Self.marketoBand.top + 24 + $0 * 38 }
        }
        var taken = Rows(rows.count)
        var out: [Placed] = []
        /// Places a mark or a group (its drawing spans to `right`); false when no row is free.
        func place(_ range: Range<Int>, label text: String, right: Double) -> Bool {
            let mx = x(marks[range.lowerBound].at)
            guard let row = taken.free(from: mx - 8) else { return false }
            let width = Double(text.count) * 7.4 + 14 + (right - mx)
            let left = mx + width > Double(Self.width) - 8
            var label: (String, Bool)? = nil
            let previous = taken.ends[row]
            taken.ends[row] = right + 8
            if !left || previous < mx - width {
                label = (text, left)
                if !left { taken.ends[row] = max(taken.ends[row], mx + width) }
            }
            out.append(Placed(marks: range, x: mx, y: rows[row], right: right, label: label))
            return true
        }
        var i = 0
        while i < marks.count {
            var j = i + 1
            while j < marks.count, x(marks[j].at) - x(marks[i].at) < distance { j += 1 }
            let fits = j - i <= rows.count
                ? (i..<j).allSatisfy { place($0..<$0 + 1, label: marks[$0].label, right: x(marks[$0].at)) }
                : place(i..<j, label: "\(j - i) events", right: x(marks[j - 1].at) + 5)
            if !fits { return layout(marks, lane: lane, distance: distance * 1.6) }
            i = j
        }
        return out
    }

    /// A lane's marks, then for the Marketo lane each edit's life and the cycle that overwrote it.
    private func drawMarks(_ out: inout SVGText, _ marks: [Swimlane.Mark], band lane: Swimlane.Lane) {
        let placed = layout(marks, lane: lane)
        if lane == .marketo {
            for p in placed where p.marks.count == 1 && marks[p.marks.lowerBound].kind == "edit" {
                drawLife(&out, marks[p.marks.lowerBound], y: p.y)
            }
        }
        for p in placed {
            let group = marks[p.marks]
            let first = group[group.startIndex]
            let one = group.count == 1
            let lost = group.contains { !$0.lost.isEmpty }
            let kind = one ? first.kind : "many"
            let (mx, y) = (p.x, p.y)
            out.open("g", [("class", "mark \(lane.rawValue) \(kind)" + (lost ? " overwritten" : "")),
                           ("data-at", "\(first.at)"), ("data-count", "\(group.count)"),
                           ("data-seq", group.map { "\($0.seq)" }.joined(separator: " ")),
                           ("tabindex", "0"), ("role", "img"), ("aria-label", one ? first.label : "\(group.count) events")]
                     + (lost ? [("data-cycle", group.flatMap { $0.lost.map { "\($0.cycle)" } }.joined(separator: " ")),
                                ("data-lost-at", "\(group.flatMap { $0.lost.map(\.at) }.min()!)")] : []))
            let shown = group.prefix(12).map { m in
                (m.narration + m.lost.map { "overwritten by sync cycle \($0.cycle) at \(TextFormat.time($0.at)) (R4)" }).joined(separator: "\n")
            }
            out.element("title", text: (shown + (group.count > 12 ? ["… and \(group.count - 12) more"] : [])).joined(separator: "\n\n"))
            switch kind {
            case "rejected":
                out.element("path", [("class", "shape"), ("d", cross(mx, y, 6))])
            case "rules":
                out.element("path", [("class", "shape"), ("d", "M\(fmt(mx)) \(fmt(y - 8)) L\(fmt(mx + 8)) \(fmt(y)) L\(fmt(mx)) \(fmt(y + 8)) L\(fmt(mx - 8)) \(fmt(y)) Z")])
            case "many":
                let width = max(x(group[group.endIndex - 1].at) - mx, 0) + 10
                out.element("rect", [("class", "shape"), ("x", fmt(mx - 5)), ("y", fmt(y - 9)), ("width", fmt(width)), ("height", "18"), ("rx", "4")])
            default:
                out.element("circle", [("class", "shape"), ("cx", fmt(mx)), ("cy", fmt(y)), ("r", kind == "contact" ? "5" : "7")])
            }
            if let (text, left) = p.label {
                // On the Marketo lane the label sits under the mark, clear of the edit's life line.
                let below = lane == .marketo
                out.element("text", [("class", "label" + (lost && one ? " struck" : "")),
                                     ("x", fmt(below ? (left ? p.right + 6 : mx - 6) : (left ? mx - 12 : p.right + 12))),
                                     ("y", fmt(below ? y + 24 : y + 5))] + (left ? [("text-anchor", "end")] : []), text: text)
            }
            out.close("g")
        }
    }

    /// A local edit's life, from the edit until it stops showing; for each field a cycle
    /// overwrote, a dashed line from that cycle and a cross where the edit ended (R4).
    private func drawLife(_ out: inout SVGText, _ m: Swimlane.Mark, y: Double) {
        out.element("line", [("class", "life" + (m.lost.isEmpty ? "" : " overwritten")), ("data-edit", "\(m.seq)"), ("data-at", "\(m.at)"),
                             ("x1", fmt(x(m.at))), ("x2", fmt(x(m.endedAt ?? axisEnd))), ("y1", fmt(y)), ("y2", fmt(y))])
        for lost in m.lost {
            let lx = x(lost.at)
            out.open("g", [("class", "overwrite"), ("data-edit", "\(m.seq)"), ("data-cycle", "\(lost.cycle)"), ("data-at", "\(lost.at)")])
            out.element("title", text: "sync cycle \(lost.cycle) overwrote \(lost.field) of local edit #\(m.seq) at \(TextFormat.time(lost.at))")
            out.element("line", [("x1", fmt(lx)), ("x2", fmt(lx)), ("y1", fmt(Self.cycleBand.bottom - 18)), ("y2", fmt(y - 8))])
            out.element("path", [("d", cross(lx, y, 6))])
            out.close("g")
        }
    }

    private func cross(_ cx: Double, _ cy: Double, _ r: Double) -> String {
        "M\(fmt(cx - r)) \(fmt(cy - r)) L\(fmt(cx + r)) \(fmt(cy + r)) M\(fmt(cx + r)) \(fmt(cy - r)) L\(fmt(cx - r)) \(fmt(cy + r))"
    }

    /// The queue's records over time, as steps.
    private func drawQueue(_ out: inout SVGText) {
        let most = max(lanes.queue.map(\.records).max() ?? 0, 1)
        let (top, bottom) = (Self.queueBand.top + 20, Self.queueBand.bottom - 8)
        func y(_ n: Int) -> Double { bottom - Double(n) / Double(most) * (bottom - top) }
        var points: [String] = ["\(fmt(x(0))),\(fmt(y(0)))"]
        var last = 0
        for (t, n) in lanes.queue {
            points.append("\(fmt(x(t))),\(fmt(y(last)))")
            points.append("\(fmt(x(t))),\(fmt(y(n)))")
            last = n
        }
        points.append("\(fmt(x(axisEnd))),\(fmt(y(last)))")
        out.open("g", [("class", "queue"), ("role", "img"), ("aria-label", "pending records over time, at most \(most)")])
        out.element("title", text: "pending records in the sync queue over time (at most \(most))")
        out.element("polyline", [("points", points.joined(separator: " "))])
        out.element("text", [("class", "label"), ("x", fmt(Self.x0)), ("y", fmt(top - 4))], text: "\(most) records")
        out.close("g")
    }

    private func drawAxis(_ out: inout SVGText) {
        out.element("line", [("class", "axis"), ("x1", fmt(Self.x0)), ("x2", fmt(Self.x1)), ("y1", fmt(Self.axisY)), ("y2", fmt(Self.axisY))])
        let step = Self.tickStep(axisEnd)
        var t: Seconds = 0
        while t <= axisEnd {
            out.element("line", [("class", "tick"), ("x1", fmt(x(t))), ("x2", fmt(x(t))), ("y1", fmt(Self.dynamicsBand.top)), ("y2", fmt(Self.axisY + 5))])
            out.element("text", [("class", "tick-label"), ("x", fmt(x(t))), ("y", fmt(Self.axisY + 24))], text: TextFormat.time(t))
            t += step
        }
    }

    /// A round step giving at most about ten ticks.
    static func tickStep(_ span: Seconds) -> Seconds {
        let steps: [Seconds] = [1, 5, 10, 30, 60, 120, 300, 600, 900, 1_800, 3_600, 7_200, 10_800, 21_600, 43_200, 86_400]
        return steps.first { span / $0 <= 10 } ?? max(86_400 * (span / 86_400 / 10 + 1), 1)
    }

    private func fmt(_ v: Double) -> String {
        let r = (v * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    static let style = """
    .swimlane { font: 15px system-ui, -apple-system, "Segoe UI", sans-serif; }
    .swimlane .background { fill: #ffffff; }
    .swimlane .title { font-size: 20px; font-weight: 700; fill: #1b1b1b; }
    .swimlane .band { fill: #f6f7f9; stroke: #e3e5e8; }
    .swimlane .lane-name { font-weight: 700; fill: #444; }
    .swimlane .tick { stroke: #e3e5e8; } .swimlane .axis { stroke: #888; }
    .swimlane .tick-label { fill: #555; font-size: 13px; text-anchor: middle; }
    .swimlane .label { fill: #222; font-size: 14px; }
    .swimlane .label.struck { text-decoration: line-through; fill: #b3261e; }
    .swimlane .mark .shape { stroke: #fff; stroke-width: 1.5; }
    .swimlane .mark.dynamics .shape { fill: #1f5fa8; }
    .swimlane .mark.marketo .shape { fill: #7a3fb0; }
    .swimlane .mark.cycles .shape { fill: #6d6d6d; }
    .swimlane .mark.rejected .shape { stroke: #b3261e; stroke-width: 3; fill: none; }
    .swimlane .mark.many .shape { fill-opacity: .55; }
    .swimlane .mark.overwritten .shape { stroke: #b3261e; stroke-width: 3; }
    .swimlane .cycle rect { fill: #3a8d5c; }
    .swimlane .cycle.full rect { fill: #c77700; }
    .swimlane .life { stroke: #7a3fb0; stroke-width: 4; stroke-opacity: .35; }
    .swimlane .life.overwritten { stroke: #b3261e; }
    .swimlane .overwrite line { stroke: #b3261e; stroke-width: 2; stroke-dasharray: 5 3; }
    .swimlane .overwrite path { stroke: #b3261e; stroke-width: 3; }
    .swimlane .queue polyline { fill: none; stroke: #c77700; stroke-width: 2; }
    .swimlane .shade { fill: #ffd54f; fill-opacity: .28; }
    .swimlane .cursor { stroke: #d32f2f; stroke-width: 2; }
    .swimlane .future { opacity: .25; }
    .swimlane .not-yet .label.struck { text-decoration: none; fill: #222; } .swimlane .not-yet .shape { stroke: #fff; stroke-width: 1.5; }
    .swimlane [tabindex]:focus { outline: none; } .swimlane [tabindex]:focus .shape, .swimlane [tabindex]:focus rect { stroke: #000; stroke-width: 3; }
    """
}

/// Rows of a lane: where the last drawing (a mark, a bar, a label) of each row ends.
struct Rows {
    var ends: [Double]

    init(_ count: Int) { ends = Array(repeating: -.infinity, count: count) }

    /// The first row with nothing drawn from `x` on, or nil when every row is taken there.
    func free(from x: Double) -> Int? { ends.firstIndex { $0 < x } }
}

/// SVG text built element by element, every attribute and text escaped.
struct SVGText {
    var text = ""

    mutating func open(_ name: String, _ attributes: [(String, String)] = []) {
        text += "<" + name
        for (k, v) in attributes { text += " \(k)=\"\(HTMLReport.escape(v))\"" }
        text += ">"
    }

    mutating func close(_ name: String) { text += "</\(name)>\n" }

    /// An element with text content (escaped), or empty; with `title`, a `<title>` inside.
    mutating func element(_ name: String, _ attributes: [(String, String)] = [], text content: String? = nil, title: String? = nil) {
        open(name, attributes)
        if let title { text += "<title>" + HTMLReport.escape(title) + "</title>" }
        if let content { text += HTMLReport.escape(content) }
        close(name)
    }
}
