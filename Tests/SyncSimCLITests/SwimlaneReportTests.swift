import Foundation
import Testing
import SyncSimTestSupport

/// The swimlane in the report, the diff page and the slide, checked as files and in headless
/// Chromium.
@Suite struct SwimlaneReportTests {
    let base = ReportTests()

    @Test func oneMarkPerEventAndCycleAndTheLostEditTiedToItsCycle() throws {
        let (dir, html) = try base.report(ReportTests.hostile)
        // Five events, each once; two cycles (5m, 10m).
        let seqs = captures(#"<g class="mark [^"]*"[^>]* data-seq="([0-9 ]+)""#, in: html).flatMap { $0.split(separator: " ") }
        #expect(seqs.sorted() == ["1", "2", "3", "4", "5"])
        #expect(captures(#"<g class="cycle[^"]*"[^>]* data-cycle="(\d+)""#, in: html) == ["1", "2"])
        // Alice's edit (#4) is struck and tied to cycle 2, which overwrote it at 10m.
        #expect(html.contains(#"<g class="mark marketo edit overwritten" data-at="360" data-count="1" data-seq="4""#))
        #expect(html.contains(#"data-cycle="2" data-lost-at="600""#))
        #expect(html.contains(#"<g class="overwrite" data-edit="4" data-cycle="2" data-at="600">"#))
        #expect(html.contains(#"class="label struck""#))
        // The hostile value is text, in the label and the narration.
        #expect(html.contains("alice: industry=&quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;"))
        // In the browser: the slider moves the cursor (x from 150 at 0s to 1250 at 10m), greys the
        // future, and strikes the edit only once cycle 2 has landed.
        let at6m = try base.dom(dir, steps: 2)
        #expect(at6m.contains(#"<line class="cursor" id="lane-cursor" x1="810" x2="810""#), "\(at6m)")
        #expect(at6m.contains(#"class="mark dynamics update future""#))
        #expect(at6m.contains(#"class="mark marketo edit overwritten not-yet""#))
        #expect(at6m.components(separatedBy: "<script").count - 1 == 2, "no script came from a value")
        let at10m = try base.dom(dir, steps: 4)
        #expect(at10m.contains(#"<line class="cursor" id="lane-cursor" x1="1250" x2="1250""#))
        #expect(captures(#"class="([^"]* future[^"]*)""#, in: at10m).isEmpty)
        #expect(at10m.contains(#"class="mark marketo edit overwritten""#))
        #expect(captures(#"class="([^"]* not-yet[^"]*)""#, in: at10m).isEmpty)
    }

    @Test func aStandaloneSlideAndItsErrors() throws {
        let dir = Binary.tempDir()
        let r = try Binary.run(["report", Binary.root + "/Scenarios/mass-update-backlog.yaml", "--svg", "lanes.svg"], in: dir)
        try #require(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "wrote lanes.svg\n")
        let svg = try String(contentsOfFile: dir + "/lanes.svg", encoding: .utf8)
        #expect(svg.contains(#"viewBox="0 0 1280 720""#) && svg.contains(#"width="1280" height="720""#))
        #expect(!svg.contains("<script") && !svg.contains(#"class="cursor""#))
        // XML a slide tool can read, and the queue chart of a run with a capacity.
        let parse = try Binary.run(["-c", "import sys, xml.etree.ElementTree as t; r = t.parse(sys.argv[1]).getroot(); print(r.tag, len(r.findall('.//{http://www.w3.org/2000/svg}polyline')))", dir + "/lanes.svg"],
                                   executable: "/usr/bin/python3")
        #expect(parse.stdout == "{http://www.w3.org/2000/svg}svg 1\n", "\(parse.stderr)")
        #expect(svg.contains("cycle 1: 50 records (full)"))
        for (args, message) in [(["report", "x.yaml"], "expected -o FILE.html, --svg FILE.svg, or both"),
                                (["report", "a.yaml", "b.yaml", "--svg", "x.svg"], "--svg and --at are for the report of one run"),
                                (["report", "a.yaml", "-o", "x.html", "--b-set", "overwrite=changed"], "--a-set and --b-set are for a diff page")] {
            let bad = try Binary.run(args, in: dir)
            #expect(bad.status == 2)
            #expect(bad.stderr.contains(message), "\(bad.stderr)")
        }
    }

    @Test func theDiffPageShadesTheIntervalsAndListsTheValues() throws {
        let dir = Binary.tempDir()
        let file = Binary.root + "/Scenarios/overwrite-timeline.yaml"
        let r = try Binary.run(["report", file, file, "--b-set", "overwrite=changed", "-o", "diff.html"], in: dir)
        try #require(r.status == 0, "\(r.stderr)")
        let html = try String(contentsOfFile: dir + "/diff.html", encoding: .utf8)
        #expect(html.components(separatedBy: "<svg").count - 1 == 2)
        // One interval, 10m to 20m, shaded on both pictures (x 150 + 600/1200 × 1100 = 700).
        #expect(html.components(separatedBy: #"<rect class="shade" x="700""#).count - 1 == 2)
        #expect(html.contains("the runs differ from 10m to 20m"))
        #expect(html.contains("from 10m to 20m: 1 contact, 1 account"))
        #expect(html.contains(#"<td>industry</td><td class="a">A &quot;Retail&quot;</td><td class="b">B &quot;Finance&quot;</td>"#))
        #expect(html.contains("overwrite &quot;changed&quot;"), "B's title names the rule that differs")
        #expect(!html.contains("<script"))
        // The same runs: nothing shaded.
        let same = try Binary.run(["report", file, file, "-o", "same.html"], in: dir)
        #expect(same.status == 0)
        let page = try String(contentsOfFile: dir + "/same.html", encoding: .utf8)
        #expect(!page.contains(#"class="shade""#) && page.contains("At no instant."))
    }
}
