import Foundation
import Testing

/// The HTML report, checked as a file and in a real browser (headless Chromium).
@Suite struct ReportTests {
    static let hostile = """
    scenario: hostile-values
    title: "<b>bold</b> & <script>alert('t')</script>"
    events:
      - {at: 0s, type: dynamics.account.create, account: acme, fields: {industry: Retail}}
      - {at: 0s, type: dynamics.contact.create, contact: alice, account: acme}
      - {at: 0s, type: dynamics.contact.create, contact: bob, account: acme}
      - {at: 6m, type: marketo.account.edit, contact: alice, fields: {industry: "<script>alert(1)</script>"}}
      - {at: 7m, type: dynamics.account.update, account: acme, fields: {website: "</script><img src=x onerror=alert(2)>"}}
    expect:
      - {at: 10m, contact: bob, fields: {industry: Retail}}
    """

    func report(_ scenario: String) throws -> (dir: String, html: String) {
        let dir = Binary.tempDir()
        try Binary.write(scenario, to: "s.yaml", in: dir)
        let r = try Binary.run(["report", "s.yaml", "-o", "report.html"], in: dir)
        try #require(r.status == 0, "\(r.stderr)")
        return (dir, try String(contentsOfFile: dir + "/report.html", encoding: .utf8))
    }

    @Test func selfContainedAndEscaped() throws {
        let (_, html) = try report(Self.hostile)
        #expect(!html.contains("http://") && !html.contains("https://"), "no network resources")
        #expect(!html.contains("<link") && !html.contains("<img") && !html.contains("<iframe"))
        #expect(!html.contains("<script>alert"))
        #expect(!html.contains("</script><img"))
        #expect(html.contains("<title>hostile-values: &lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;"))
        // Only the template's two script elements: the data and the code.
        #expect(html.components(separatedBy: "<script").count - 1 == 2)
    }

    /// Loads the report in headless Chromium, presses the page's own "next" button `steps`
    /// times, and returns the DOM as the browser then holds it.
    func dom(_ dir: String, steps: Int) throws -> String {
        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let browser = try #require(chromium, "headless Chromium is needed (apt-get install chromium)")
        let r = try Binary.run(["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                                "file://\(dir)/report.html#steps=\(steps)"], environment: ["HOME": dir], executable: browser)
        try #require(r.status == 0, "\(r.stderr)")
        return r.stdout
    }

    @Test func theSliderMovesThroughInstantsInARealBrowser() throws {
        let (dir, _) = try report(Self.hostile)
        // Instants: 0s, 5m, 6m, 7m, 10m.
        let at6m = try dom(dir, steps: 2)
        #expect(at6m.contains(#"<span id="time">6m</span>"#))
        #expect(at6m.contains(#"<td class="mkt-value local" title="local edit #4 on alice: Dynamics never sees it">"&lt;script&gt;alert(1)&lt;/script&gt;"<div class="muted">local edit #4 on alice</div></td>"#), "the hostile edit shows as text, highlighted")
        #expect(at6m.contains(#"<td class="dyn-value">"Retail"</td>"#))
        #expect(!at6m.contains("<img"))
        let at10m = try dom(dir, steps: 4)
        #expect(at10m.contains(#"<span id="time">10m</span>"#))
        #expect(at10m.contains(#"<s>"&lt;script&gt;alert(1)&lt;/script&gt;"</s> local edit #4 on alice overwritten by sync cycle 2"#))
        #expect(at10m.contains(#"<td class="mkt-value">"&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"</td>"#))
        #expect(at10m.contains(#"<tr data-contact="bob"><td>bob</td><td>2</td><td>1</td></tr>"#))
        #expect(at10m.contains("PASS"))
        // Past the last instant the slider stays there.
        #expect(try dom(dir, steps: 9).contains(#"<span id="time">10m</span>"#))
    }

    /// Version 2 in the report: the queue's size at each instant and stale companies marked.
    @Test func theQueueAndStaleCompaniesShowInARealBrowser() throws {
        let dir = Binary.tempDir()
        let r = try Binary.run(["report", Binary.root + "/Scenarios/r11-sync-filter.yaml", "-o", dir + "/report.html"])
        try #require(r.status == 0, "\(r.stderr)")
        // Instants: 0s, 5m, 6m, 10m: acme is stale at 10m.
        let at10m = try dom(dir, steps: 3)
        #expect(at10m.contains(#"<span id="time">10m</span>"#))
        #expect(at10m.contains(#"<span class="badge stale">stale: filtered out of the sync</span>"#), "\(at10m)")
        #expect(at10m.contains("filter new_synctomkto"))
        let backlog = Binary.tempDir()
        let b = try Binary.run(["report", Binary.root + "/Scenarios/r10-capacity.yaml", "-o", backlog + "/report.html"])
        try #require(b.status == 0, "\(b.stderr)")
        // Instants: 0s, 5m, 10m, 15m, 20m, 21m, 22m, 23m: two records wait.
        let at23m = try dom(backlog, steps: 7)
        #expect(at23m.contains(#"<span id="time">23m</span>"#))
        #expect(at23m.contains("sync queue: 2 pending records, the oldest change since 1320s"), "\(at23m)")
        #expect(at23m.contains("changes waiting in the sync queue"))
    }
}
