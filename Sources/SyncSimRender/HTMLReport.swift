import SyncSimCore

/// A self-contained HTML report: inline CSS and JavaScript, no network. The data sits in
/// a JSON script element (with `<` escaped) and is rendered with `textContent` only, so a
/// value such as `<script>` shows as text.
public enum HTMLReport {
    /// The page for report data built by ``ReportData``, with its swimlane drawn by ``SwimlaneSVG``.
    public static func page(data: JSON, title: String, swimlane: String) -> String {
        let json = CanonicalJSON.string(for: data).replacing("<", with: "\\u003c")
        return template
            .replacing("{{TITLE}}", with: escape(title))
            .replacing("{{SWIMLANE}}", with: swimlane)
            .replacing("{{DATA}}", with: json)
    }

    /// Escapes text for HTML element content and attribute values.
    public static func escape(_ s: String) -> String {
        var out = ""
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    static let template = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{TITLE}} — SyncSim report</title>
<style>
  :root { --dyn: #1f5fa8; --mkt: #7a3fb0; --lost: #b3261e; --local: #fff2b3; --muted: #666; }
  body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1b1b1b; background: #fafafa; }
  header { background: #fff; border-bottom: 1px solid #ddd; padding: 12px 20px; position: sticky; top: 0; z-index: 2; }
  h1 { font-size: 18px; margin: 0 0 8px; }
  .controls { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
  .controls input[type=range] { flex: 1; min-width: 200px; }
  #time { font-weight: 700; font-size: 16px; min-width: 90px; }
  button { font: inherit; padding: 4px 10px; border: 1px solid #bbb; background: #f3f3f3; border-radius: 4px; cursor: pointer; }
  main { display: grid; grid-template-columns: 340px 1fr; gap: 16px; padding: 16px 20px; }
  section { background: #fff; border: 1px solid #e2e2e2; border-radius: 6px; padding: 10px 12px; margin-bottom: 16px; }
  h2 { font-size: 14px; margin: 0 0 8px; text-transform: uppercase; letter-spacing: .04em; color: #444; }
  #timeline { max-height: 70vh; overflow: auto; position: relative; }
  .instant { padding: 6px; border-radius: 4px; cursor: pointer; border-left: 3px solid transparent; }
  .instant.current { background: #eef4ff; border-left-color: var(--dyn); }
  .instant pre { margin: 2px 0 0; white-space: pre-wrap; font-size: 12px; color: #333; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid #eee; vertical-align: top; }
  th.dyn { color: var(--dyn); } th.mkt { color: var(--mkt); }
  td.local { background: var(--local); }
  .lost { color: var(--lost); font-size: 12px; }
  .lost s { color: var(--lost); }
  details { border: 1px solid #e6e6e6; border-radius: 4px; margin-bottom: 8px; padding: 4px 8px; }
  summary { cursor: pointer; font-weight: 600; }
  .badge { display: inline-block; font-size: 11px; padding: 0 6px; border-radius: 8px; background: #eee; margin-left: 6px; font-weight: 400; }
  .badge.deleted { background: #fde2e1; color: var(--lost); }
  .badge.stale { background: #fff3cd; color: #7a5a00; }
  .pass { color: #1b7f3b; font-weight: 600; } .fail { color: var(--lost); font-weight: 600; }
  .muted { color: var(--muted); }
  .expect.now { background: #eef4ff; }
  section.lanes { margin: 16px 20px 0; }
  section.lanes svg { width: 100%; height: auto; display: block; }
  #lane-detail { white-space: pre-wrap; font-size: 13px; margin: 8px 0 0; min-height: 2.8em; }
</style>
</head>
<body>
<header>
  <h1 id="title"></h1>
  <div class="controls">
    <button id="prev" type="button" aria-label="previous instant">&#9664; prev</button>
    <input id="slider" type="range" min="0" max="0" value="0" aria-label="instant">
    <button id="next" type="button" aria-label="next instant">next &#9654;</button>
    <span id="time"></span>
    <input id="search" type="search" placeholder="search accounts and contacts">
  </div>
  <div id="rules" class="muted"></div>
</header>
<section class="lanes" aria-label="the run as a swimlane">
  <h2>The run as a picture</h2>
  {{SWIMLANE}}
  <p id="lane-detail" class="muted" aria-live="polite">Click or focus a mark (Tab) to read what happened; Enter moves the slider there.</p>
</section>
<main>
  <div>
    <section><h2>Timeline</h2><div id="timeline"></div></section>
    <section><h2>Expectations</h2><div id="expectations"></div></section>
  </div>
  <div>
    <section><h2>Accounts: Dynamics holds / Marketo shows</h2><div id="accounts"></div></section>
  </div>
</main>
<script id="data" type="application/json">{{DATA}}</script>
<script>
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("data").textContent);
  var frames = data.frames;
  var slider = document.getElementById("slider");
  var open = {};
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function show(v) { return v === undefined || v === null ? "(none)" : JSON.stringify(v); }
  document.getElementById("title").textContent = data.title;
  document.title = data.title + " — SyncSim report";
  slider.max = Math.max(frames.length - 1, 0);

  var timeline = document.getElementById("timeline");
  frames.forEach(function (f, i) {
    var d = el("div", "instant");
    d.id = "instant-" + i;
    d.appendChild(el("strong", null, f.time));
    d.appendChild(el("pre", null, f.lines.map(function (l) { return l.replace(/^\s*\S+s?  /, "").replace(/^ {10}/, "  "); }).join("\n")));
    d.addEventListener("click", function () { go(i); });
    timeline.appendChild(d);
  });
  if (data.truncated) timeline.appendChild(el("p", "muted", "The run goes on; this report stops at its first " + frames.length + " instants (a report is for teaching-size runs; use --at to choose where it ends)."));

  var ex = document.getElementById("expectations");
  if (!data.expectations.length) ex.appendChild(el("p", "muted", "No expectations."));
  data.expectations.forEach(function (x) {
    var p = el("div", "expect");
    p.dataset.at = x.at;
    p.appendChild(el("span", x.passed ? "pass" : "fail", x.passed ? "PASS " : "FAIL "));
    p.appendChild(el("span", null, "line " + x.line + " at " + x.at + "s: " + x.what));
    if (x.detail) p.appendChild(el("div", "lost", x.detail));
    ex.appendChild(p);
  });

  // The swimlane: a cursor at the slider's instant, what comes after it greyed.
  var lanes = document.querySelector("svg.swimlane");
  var laneMarks = lanes ? lanes.querySelectorAll("[data-at]") : [];
  function laneX(t) {
    var t1 = Number(lanes.dataset.t1), x0 = Number(lanes.dataset.x0), x1 = Number(lanes.dataset.x1);
    return x0 + Math.min(Math.max(t, 0), t1) / (t1 || 1) * (x1 - x0);
  }
  Array.prototype.forEach.call(laneMarks, function (m) {
    var title = m.querySelector("title");
    if (!title) return;
    function detail() { document.getElementById("lane-detail").textContent = title.textContent; }
    function jump() {
      var at = Number(m.dataset.at), k = 0;
      while (k < frames.length - 1 && frames[k].at < at) k++;
      go(k);
      detail();
    }
    m.addEventListener("focus", detail);
    m.addEventListener("click", jump);
    m.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); jump(); } });
  });
  function moveCursor(at) {
    if (!lanes) return;
    var x = String(Math.round(laneX(at) * 10) / 10);
    var cursor = lanes.querySelector(".cursor");
    cursor.setAttribute("x1", x);
    cursor.setAttribute("x2", x);
    Array.prototype.forEach.call(laneMarks, function (m) {
      m.classList.toggle("future", Number(m.dataset.at) > at);
      // An edit is struck out once the cycle that overwrites it has landed.
      if (m.dataset.lostAt) m.classList.toggle("not-yet", Number(m.dataset.lostAt) > at);
    });
  }

  function render() {
    var i = Number(slider.value);
    var f = frames[i];
    document.getElementById("time").textContent = f ? f.time : "(no events)";
    if (!f) return;
    moveCursor(f.at);
    document.getElementById("rules").textContent = "rules: " + f.rules + " · rejected events so far: " + f.rejected
      + " · sync queue: " + f.queue.records + " pending record" + (f.queue.records === 1 ? "" : "s")
      + (f.queue.oldest === null ? "" : ", the oldest change since " + f.queue.oldest + "s");
    Array.prototype.forEach.call(timeline.children, function (n) { n.classList.remove("current"); });
    var cur = document.getElementById("instant-" + i);
    if (cur) {
      cur.classList.add("current");
      // Scrolls the timeline's box only, never the page (the swimlane stays in view).
      if (cur.offsetTop < timeline.scrollTop || cur.offsetTop + cur.offsetHeight > timeline.scrollTop + timeline.clientHeight) {
        timeline.scrollTop = cur.offsetTop - 8;
      }
    }
    Array.prototype.forEach.call(ex.children, function (n) {
      if (n.dataset) n.classList.toggle("now", Number(n.dataset.at) === f.at);
    });
    var q = document.getElementById("search").value.trim().toLowerCase();
    var byAccount = {};
    f.contacts.forEach(function (c) { (byAccount[c.account] = byAccount[c.account] || []).push(c); });
    var host = document.getElementById("accounts");
    host.textContent = "";
    f.accounts.forEach(function (a) {
      var members = byAccount[a.id] || [];
      var matchContacts = members.filter(function (c) { return c.id.toLowerCase().indexOf(q) >= 0; });
      if (q && a.id.toLowerCase().indexOf(q) < 0 && !matchContacts.length) return;
      var det = el("details");
      det.id = "account-" + a.id;
      det.open = open[a.id] !== undefined ? open[a.id] : f.accounts.length <= 12;
      det.addEventListener("toggle", function () { open[a.id] = det.open; });
      var sum = el("summary", null, a.id);
      sum.appendChild(el("span", "badge", members.length + " contact" + (members.length === 1 ? "" : "s")));
      if (a.deleted) sum.appendChild(el("span", "badge deleted", "deletedInDynamics"));
      if (a.stale) sum.appendChild(el("span", "badge stale", "stale: filtered out of the sync"));
      if (a.pending) sum.appendChild(el("span", "badge", "changes waiting in the sync queue"));
      if (a.marketo === null) sum.appendChild(el("span", "badge", "not in Marketo yet"));
      det.appendChild(sum);
      var t = el("table");
      var h = el("tr");
      h.appendChild(el("th", null, "field"));
      h.appendChild(el("th", "dyn", "Dynamics"));
      h.appendChild(el("th", "mkt", "Marketo"));
      t.appendChild(h);
      var names = {};
      [a.dynamics || {}, a.marketo || {}].forEach(function (o) { Object.keys(o).forEach(function (k) { names[k] = true; }); });
      a.lost.forEach(function (l) { names[l.field] = true; });
      Object.keys(names).sort().forEach(function (k) {
        var r = el("tr");
        r.dataset.field = k;
        r.appendChild(el("td", null, k));
        r.appendChild(el("td", "dyn-value", a.dynamics === null ? "(deleted)" : show(a.dynamics[k])));
        var m = el("td", "mkt-value", a.marketo === null ? "" : show(a.marketo[k]));
        var local = a.local[k];
        if (local) {
          m.className += " local";
          m.title = "local edit #" + local.seq + " on " + local.contact + ": Dynamics never sees it";
          m.appendChild(el("div", "muted", "local edit #" + local.seq + " on " + local.contact));
        }
        a.lost.filter(function (l) { return l.field === k; }).forEach(function (l) {
          var d = el("div", "lost");
          d.appendChild(el("s", null, show(l.value)));
          d.appendChild(document.createTextNode(" local edit #" + l.seq + " on " + l.contact + " overwritten by sync cycle " + l.cycle));
          m.appendChild(d);
        });
        r.appendChild(m);
        t.appendChild(r);
      });
      det.appendChild(t);
      if (members.length) {
        var ct = el("table", "contacts");
        var ch = el("tr");
        ["contact", "activities (dynamics)", "activities (marketo)"].forEach(function (x) { ch.appendChild(el("th", null, x)); });
        ct.appendChild(ch);
        (q && a.id.toLowerCase().indexOf(q) < 0 ? matchContacts : members).forEach(function (c) {
          var r = el("tr");
          r.dataset.contact = c.id;
          r.appendChild(el("td", null, c.id));
          r.appendChild(el("td", null, String(c.dynamics)));
          r.appendChild(el("td", null, String(c.marketo)));
          ct.appendChild(r);
        });
        det.appendChild(ct);
      }
      host.appendChild(det);
    });
  }
  function go(i) {
    slider.value = String(Math.max(0, Math.min(frames.length - 1, i)));
    render();
  }
  slider.addEventListener("input", render);
  document.getElementById("prev").addEventListener("click", function () { go(Number(slider.value) - 1); });
  document.getElementById("next").addEventListener("click", function () { go(Number(slider.value) + 1); });
  document.getElementById("search").addEventListener("input", render);
  document.addEventListener("keydown", function (e) {
    if (e.target && e.target.id === "search") return;
    if (e.key === "ArrowRight") go(Number(slider.value) + 1);
    if (e.key === "ArrowLeft") go(Number(slider.value) - 1);
  });
  render();
  // `#steps=N` presses the page's own "next" button N times: used by scripted demos and tests.
  var m = /steps=(\d+)/.exec(location.hash);
  if (m) for (var k = 0; k < Number(m[1]); k++) document.getElementById("next").click();
})();
</script>
</body>
</html>
"""#
}
