// The dashboard's browser script, served as /dashboard/app.js (the CSP forbids inline script). Plain ES2020,
// no dependencies. Every value from the API reaches the page through textContent or setAttribute, never through
// HTML parsing, so a persona, campaign name or reason string cannot inject markup. The key lives in
// sessionStorage (this tab only) and goes out solely as a bearer header on same-origin calls.
//
// Written without template literals so it can sit inside String.raw (no escaping surprises).
export const DASHBOARD_JS = String.raw`"use strict";
(function () {
  var KEY = "aura_admin_key";
  var SVG_NS = "http://www.w3.org/2000/svg";
  var PERSONA_REFRESH_MS = 10000;
  var POSTERIOR_REFRESH_MS = 10000;
  var COLORS = ["#1f5fbf", "#b3261e", "#1e7b34", "#7b3fa0", "#a04f00", "#0f6e7a", "#5b5b5b", "#9c2a6b"];
  var DASHES = ["", "7 4", "2 3", "9 3 2 3", "4 4", "1 2"];

  var state = {
    personaTimer: null,
    posteriorTimers: {},
    posteriorGeneration: {},
    experiments: [],
    decisionCursors: [],
    decisionNext: null,
    campaign: null,
    audit: { header: [], rows: [] }
  };

  // ------------------------------------------------------------------ DOM helpers (text and attributes only, no HTML parsing)

  function $(id) { return document.getElementById(id); }

  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    setAttrs(el, attrs);
    append(el, children);
    return el;
  }

  function s(tag, attrs, children) {
    var el = document.createElementNS(SVG_NS, tag);
    setAttrs(el, attrs);
    append(el, children);
    return el;
  }

  function setAttrs(el, attrs) {
    if (!attrs) return;
    Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === "text") el.textContent = String(v);
      else if (k.slice(0, 2) === "on" && typeof v === "function") el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? "" : String(v));
    });
  }

  function append(el, children) {
    if (children === null || children === undefined) return;
    if (!Array.isArray(children)) children = [children];
    children.forEach(function (c) {
      if (c === null || c === undefined || c === false) return;
      el.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
    });
  }

  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }
  function fill(el, children) { clear(el); append(el, children); return el; }
  function say(id, text, isError) {
    var el = $(id);
    if (!el) return;
    el.textContent = text || "";
    el.classList.toggle("error", !!isError);
  }

  // ------------------------------------------------------------------ formatting

  function num(n, digits) {
    if (n === null || n === undefined || isNaN(n)) return "–";
    return Number(n).toLocaleString("en-US", { maximumFractionDigits: digits === undefined ? 0 : digits });
  }
  function pct(x, digits) {
    if (x === null || x === undefined || isNaN(x)) return "–";
    return (x * 100).toFixed(digits === undefined ? 1 : digits) + "%";
  }
  function pp(x) {
    if (x === null || x === undefined || isNaN(x)) return "–";
    return (x >= 0 ? "+" : "") + (x * 100).toFixed(2) + " pp";
  }
  function when(iso) {
    if (!iso) return "–";
    var d = new Date(iso);
    if (isNaN(d.getTime())) return String(iso);
    return d.toISOString().slice(0, 19).replace("T", " ") + " UTC";
  }
  function bucketLabel(iso, bucket) {
    var t = String(iso);
    return bucket === "day" ? t.slice(0, 10) : t.slice(5, 10) + " " + t.slice(11, 16);
  }

  // ------------------------------------------------------------------ API

  function UnauthorizedError() { this.name = "UnauthorizedError"; this.message = "unauthorized"; }
  UnauthorizedError.prototype = Object.create(Error.prototype);

  function apiKey() {
    try { return sessionStorage.getItem(KEY); } catch (e) { return null; }
  }

  // opts: {method, body, raw (return the Response), allow (statuses whose JSON body is still returned)}
  async function api(path, opts) {
    opts = opts || {};
    var key = apiKey();
    if (!key) { signOut(""); throw new UnauthorizedError(); }
    var headers = { authorization: "Bearer " + key, accept: opts.raw ? "*/*" : "application/json" };
    var init = { method: opts.method || "GET", headers: headers, cache: "no-store", credentials: "omit", referrerPolicy: "no-referrer" };
    if (opts.body !== undefined) { headers["content-type"] = "application/json"; init.body = JSON.stringify(opts.body); }
    var res = await fetch(path, init);
    if (res.status === 401) {
      signOut("The admin key was refused. Sign in again.");
      throw new UnauthorizedError();
    }
    if (opts.raw) {
      if (!res.ok) throw new Error(await errorMessage(res));
      return res;
    }
    if (!res.ok && !(opts.allow && opts.allow.indexOf(res.status) >= 0)) throw new Error(await errorMessage(res));
    return res.json();
  }

  async function errorMessage(res) {
    try {
      var body = await res.json();
      if (body && body.error && body.error.message) return res.status + ": " + body.error.message;
    } catch (e) { /* not JSON */ }
    return "HTTP " + res.status;
  }

  function failed(statusId) {
    return function (err) {
      if (err instanceof UnauthorizedError) return;
      say(statusId, "Could not load: " + (err && err.message ? err.message : String(err)), true);
    };
  }

  // ------------------------------------------------------------------ tables

  // columns: [{label, key | value(row), num, mono, field, header (row header)}]
  function table(el, columns, rows, opts) {
    opts = opts || {};
    var head = h("thead", null, h("tr", null, columns.map(function (c) {
      return h("th", { scope: "col", class: c.num ? "num" : null }, c.label);
    })));
    var body = h("tbody", null, rows.length === 0
      ? h("tr", null, h("td", { colspan: columns.length, class: "meta" }, opts.empty || "Nothing to show."))
      : rows.map(function (row) {
        var tr = h("tr", opts.rowAttrs ? opts.rowAttrs(row) : null);
        columns.forEach(function (c) {
          var v = c.value ? c.value(row) : row[c.key];
          var cls = [c.num ? "num" : "", c.mono ? "mono" : ""].join(" ").trim() || null;
          var cell = h(c.header ? "th" : "td", { scope: c.header ? "row" : null, class: cls, "data-field": c.field || null });
          append(cell, v === null || v === undefined || v === "" ? "–" : (typeof v === "object" ? v : String(v)));
          tr.appendChild(cell);
        });
        return tr;
      }));
    fill(el, [opts.caption ? h("caption", null, opts.caption) : null, head, body]);
  }

  // ------------------------------------------------------------------ charts (inline SVG)

  var chartSeq = 0;

  function svgFrame(width, height, title, desc) {
    var id = "chart-" + (++chartSeq);
    var svg = s("svg", { viewBox: "0 0 " + width + " " + height, role: "img", "aria-labelledby": id + "-t " + id + "-d", preserveAspectRatio: "xMidYMid meet" });
    svg.appendChild(s("title", { id: id + "-t" }, title));
    svg.appendChild(s("desc", { id: id + "-d" }, desc));
    return svg;
  }

  // A round axis maximum split into four equal steps of 1, 2 or 5 × 10^k (whole steps for counts).
  function niceMax(v, whole) {
    if (!(v > 0)) return whole ? 4 : 1;
    var raw = v / 4;
    var p = Math.pow(10, Math.floor(Math.log10(raw)));
    var m = raw / p;
    var step = (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
    if (whole) step = Math.max(1, Math.ceil(step));
    return step * 4;
  }

  function shorten(text, max) {
    text = String(text);
    return text.length > max ? text.slice(0, max - 1) + "…" : text;
  }

  // The drawing's width follows its container (300 to 640 units), so 12-unit text stays legible on a phone.
  function widthOf(el) {
    var w = el && el.clientWidth ? el.clientWidth : 640;
    return Math.max(300, Math.min(640, Math.round(w)));
  }

  // Horizontal bars: rows [{label, value, text}]
  function barChart(rows, title, axisLabel, width) {
    var W = width || 640, rowH = 30, top = 10, left = W < 420 ? 110 : 150, right = W < 420 ? 90 : 120, bottom = 44;
    var H = top + rows.length * rowH + bottom;
    var max = niceMax(Math.max.apply(null, rows.map(function (r) { return r.value; }).concat([0])), true);
    var desc = rows.map(function (r) { return r.label + ": " + r.text; }).join("; ");
    var svg = svgFrame(W, H, title, desc || "No data");
    var plotW = W - left - right;
    var axisY = top + rows.length * rowH;
    for (var i = 0; i <= 4; i++) {
      var x = left + (plotW * i) / 4;
      svg.appendChild(s("line", { x1: x, x2: x, y1: top, y2: axisY, stroke: "#d0d5dc" }));
      svg.appendChild(s("text", { x: x, y: axisY + 16, "text-anchor": "middle" }, num((max * i) / 4, 1)));
    }
    svg.appendChild(s("text", { x: left + plotW / 2, y: axisY + 36, "text-anchor": "middle" }, axisLabel));
    rows.forEach(function (r, k) {
      var y = top + k * rowH;
      var w = max > 0 ? (plotW * r.value) / max : 0;
      // Long names are cut to fit the margin; the bar's title and the table carry them in full.
      svg.appendChild(s("text", { x: left - 8, y: y + rowH / 2 + 4, "text-anchor": "end" }, shorten(r.label, W < 420 ? 14 : 20)));
      var bar = s("rect", { x: left, y: y + 5, width: Math.max(0, w), height: rowH - 10, fill: COLORS[k % COLORS.length], rx: 2 });
      bar.appendChild(s("title", null, r.label + ": " + r.text));
      svg.appendChild(bar);
      svg.appendChild(s("text", { x: left + w + 6, y: y + rowH / 2 + 4 }, r.text));
    });
    svg.appendChild(s("line", { x1: left, x2: left, y1: top, y2: axisY, stroke: "#4a5461" }));
    svg.appendChild(s("line", { x1: left, x2: left + plotW, y1: axisY, y2: axisY, stroke: "#4a5461" }));
    return svg;
  }

  // Lines: labels[] on x, series [{name, values: number|null[]}]; a null breaks the line.
  function lineChart(labels, series, opts) {
    var W = opts.width || 640, H = W < 420 ? 240 : 280, left = 60, right = 16, top = 14, bottom = 58;
    var plotW = W - left - right, plotH = H - top - bottom;
    var all = [];
    series.forEach(function (sr) { sr.values.forEach(function (v) { if (v !== null && !isNaN(v)) all.push(v); }); });
    var max = opts.yMax !== undefined ? opts.yMax : niceMax(Math.max.apply(null, all.concat([0])));
    var n = labels.length;
    var xOf = function (i) { return left + (n > 1 ? (plotW * i) / (n - 1) : plotW / 2); };
    var yOf = function (v) { return top + plotH - (max > 0 ? (plotH * v) / max : 0); };
    var desc = series.map(function (sr) {
      var last = null;
      for (var i = sr.values.length - 1; i >= 0; i--) if (sr.values[i] !== null) { last = sr.values[i]; break; }
      return sr.name + " latest " + (last === null ? "none" : opts.format(last));
    }).join("; ");
    var svg = svgFrame(W, H, opts.title, (desc || "No data") + ". " + n + " buckets from " + (labels[0] || "–") + " to " + (labels[n - 1] || "–") + ".");
    for (var t = 0; t <= 4; t++) {
      var v = (max * t) / 4, y = yOf(v);
      svg.appendChild(s("line", { x1: left, x2: left + plotW, y1: y, y2: y, stroke: "#e3e7ec" }));
      svg.appendChild(s("text", { x: left - 6, y: y + 4, "text-anchor": "end" }, opts.format(v)));
    }
    var ticks = Math.min(n, W < 420 ? 3 : 5);
    for (var k = 0; k < ticks; k++) {
      var idx = ticks > 1 ? Math.round(((n - 1) * k) / (ticks - 1)) : 0;
      svg.appendChild(s("text", { x: xOf(idx), y: top + plotH + 16, "text-anchor": k === 0 ? "start" : k === ticks - 1 ? "end" : "middle" }, labels[idx]));
    }
    svg.appendChild(s("text", { x: left + plotW / 2, y: H - 8, "text-anchor": "middle" }, opts.xLabel));
    svg.appendChild(s("text", { x: 14, y: top + plotH / 2, "text-anchor": "middle", transform: "rotate(-90 14 " + (top + plotH / 2) + ")" }, opts.yLabel));
    svg.appendChild(s("line", { x1: left, x2: left, y1: top, y2: top + plotH, stroke: "#4a5461" }));
    svg.appendChild(s("line", { x1: left, x2: left + plotW, y1: top + plotH, y2: top + plotH, stroke: "#4a5461" }));
    series.forEach(function (sr, j) {
      var d = "", pen = false;
      sr.values.forEach(function (v, i) {
        if (v === null || isNaN(v)) { pen = false; return; }
        d += (pen ? " L" : " M") + xOf(i).toFixed(1) + " " + yOf(v).toFixed(1);
        pen = true;
      });
      var path = s("path", { d: d.trim() || "M0 0", fill: "none", stroke: COLORS[j % COLORS.length], "stroke-width": 2, "stroke-dasharray": DASHES[j % DASHES.length] || null });
      path.appendChild(s("title", null, sr.name));
      svg.appendChild(path);
      // Points carry their value for hover and screen readers, while they stay few enough to be useful.
      if (n <= 72) sr.values.forEach(function (v, i) {
        if (v === null || isNaN(v)) return;
        var dot = s("circle", { cx: xOf(i).toFixed(1), cy: yOf(v).toFixed(1), r: 3, fill: COLORS[j % COLORS.length] });
        dot.appendChild(s("title", null, sr.name + ", " + labels[i] + ": " + opts.format(v)));
        svg.appendChild(dot);
      });
    });
    return svg;
  }

  function legend(names) {
    return h("ul", { class: "legend" }, names.map(function (name, j) {
      var sw = s("svg", { width: 28, height: 10, "aria-hidden": "true", focusable: "false" },
        s("line", { x1: 0, x2: 28, y1: 5, y2: 5, stroke: COLORS[j % COLORS.length], "stroke-width": 3, "stroke-dasharray": DASHES[j % DASHES.length] || null }));
      return h("li", null, [sw, name]);
    }));
  }

  // ------------------------------------------------------------------ 1. personas

  async function loadPersonas() {
    var data = await api("/v1/admin/personas?hours=24");
    var rows = data.personas.map(function (p) {
      return { label: p.persona, value: p.count, text: num(p.count) + " (" + pct(p.share) + ")" };
    });
    var holder = $("personas-chart");
    fill(holder, barChart(rows, "Visitors per persona in the last " + data.window_hours + " hours", "Visitors", widthOf(holder)));
    table($("personas-table"), [
      { label: "Persona", key: "persona", header: true },
      { label: "Visitors", value: function (r) { return num(r.count); }, num: true },
      { label: "Share", value: function (r) { return pct(r.share); }, num: true }
    ], data.personas);
    table($("segments-table"), [
      { label: "Micro-segment", key: "segment_id", header: true, mono: true },
      { label: "Visitors", value: function (r) { return num(r.count); }, num: true },
      { label: "Share", value: function (r) { return pct(r.share); }, num: true }
    ], data.segments, { empty: "No visitors assigned in this window." });
    say("personas-meta", num(data.total) + " visitors assigned in the last " + data.window_hours + " h · updated " + new Date().toISOString().slice(11, 19) + " UTC · refreshes every 10 s");
  }

  function schedulePersonas() {
    clearTimeout(state.personaTimer);
    state.personaTimer = setTimeout(tickPersonas, PERSONA_REFRESH_MS);
  }

  async function tickPersonas() {
    if (!apiKey()) return;
    // A hidden tab does not poll; it catches up as soon as it is shown again.
    if (!document.hidden) await loadPersonas().catch(failed("personas-meta"));
    if (apiKey()) schedulePersonas();
  }

  // ------------------------------------------------------------------ 2. experiments

  async function loadExperiments() {
    say("experiments-status", "Loading…");
    var data = await api("/v1/experiments");
    state.experiments = data.experiments || [];
    var list = clear($("experiments-list"));
    state.experiments.forEach(function (e, i) {
      var detailId = "exp-detail-" + i;
      var detail = h("div", { id: detailId, class: "exp-detail", hidden: true });
      var toggle = h("button", { type: "button", class: "exp-toggle", "aria-expanded": "false", "aria-controls": detailId }, [
        h("span", { class: "id" }, e.id),
        h("span", null, e.surface_id),
        h("span", null, e.allocation),
        statusBadge(e.status),
        h("span", { class: "meta" }, "metric " + e.metric + " · " + (e.variants || []).map(function (v) { return v.id; }).join(", "))
      ]);
      toggle.addEventListener("click", function () {
        var open = toggle.getAttribute("aria-expanded") === "true";
        toggle.setAttribute("aria-expanded", open ? "false" : "true");
        detail.hidden = open;
        if (open) stopPosteriors(e.id);
        else loadExperimentDetail(e, detail);
      });
      list.appendChild(h("li", { class: "exp", "data-experiment": e.id }, [toggle, detail]));
    });
    say("experiments-status", state.experiments.length === 0 ? "No experiments yet." : state.experiments.length + " experiments · select one for posteriors, traffic and lift.");
    var select = $("decision-experiment");
    var chosen = select.value;
    fill(select, [h("option", { value: "" }, "Any")].concat(state.experiments.map(function (e) { return h("option", { value: e.id }, e.id); })));
    select.value = chosen;
  }

  function loadExperimentDetail(e, el) {
    var enc = encodeURIComponent(e.id);
    var post = h("div", null, h("p", { class: "meta" }, "Loading posteriors…"));
    var bucketSel = h("select", { id: "bucket-" + enc.replace(/[^A-Za-z0-9_-]/g, "_") }, [h("option", { value: "hour" }, "hourly, last 48 h"), h("option", { value: "day" }, "daily, last 30 days")]);
    var series = h("div", null, h("p", { class: "meta" }, "Loading time series…"));
    var report = h("div", null, h("p", { class: "meta" }, "Loading report…"));
    fill(el, [
      h("h3", null, "Posteriors"), post,
      h("div", { class: "filters compact" }, h("div", null, [h("label", { for: bucketSel.id }, "Time series"), bucketSel])),
      series,
      h("h3", null, "Lift vs control"), report
    ]);
    bucketSel.addEventListener("change", function () { renderTimeseries(e, bucketSel.value, series); });
    watchPosteriors(e, el, post);
    renderTimeseries(e, "hour", series);
    api("/v1/experiments/" + enc + "/report").then(function (r) { renderReport(r, report); }, failedInto(report));
  }

  function failedInto(el) {
    return function (err) {
      if (err instanceof UnauthorizedError) return;
      fill(el, h("p", { class: "error" }, "Could not load: " + (err && err.message ? err.message : String(err))));
    };
  }

  // Posteriors are what an operator watches move: an open experiment re-reads them every 10 s until it is closed.
  function watchPosteriors(e, detail, el) {
    stopPosteriors(e.id);
    // A generation per watch: a read still in flight from an earlier opening cannot start a second loop.
    var generation = (state.posteriorGeneration[e.id] || 0) + 1;
    state.posteriorGeneration[e.id] = generation;
    var path = "/v1/experiments/" + encodeURIComponent(e.id) + "/posteriors";
    var live = function () { return state.posteriorGeneration[e.id] === generation && !detail.hidden && detail.isConnected && !!apiKey(); };
    var tick = async function () {
      if (!live()) return;
      if (!document.hidden) await api(path).then(function (p) { if (live()) renderPosteriors(p, el); }, failedInto(el));
      if (live()) state.posteriorTimers[e.id] = setTimeout(tick, POSTERIOR_REFRESH_MS);
    };
    tick();
  }

  function stopPosteriors(id) {
    clearTimeout(state.posteriorTimers[id]);
    delete state.posteriorTimers[id];
    state.posteriorGeneration[id] = (state.posteriorGeneration[id] || 0) + 1;
  }

  function renderPosteriors(p, el) {
    var rows = [];
    (p.segments || []).forEach(function (seg) { (seg.arms || []).forEach(function (a) { rows.push(Object.assign({ segment: seg.segment }, a)); }); });
    var t = h("table");
    table(t, [
      { label: "Segment", key: "segment", mono: true },
      { label: "Arm", key: "arm", header: true },
      { label: "α", key: "alpha", num: true, field: "alpha" },
      { label: "β", key: "beta", num: true, field: "beta" },
      { label: "Pulls", key: "pulls", num: true, field: "pulls" },
      { label: "Rewards", key: "rewards", num: true, field: "rewards" },
      { label: "Mean", value: function (r) { return pct(r.mean, 2); }, num: true, field: "mean" },
      { label: "Traffic share", value: function (r) { return pct(r.traffic_share); }, num: true, field: "traffic_share" },
      { label: "P(win)", value: function (r) { return pct(r.win_probability); }, num: true, field: "win_probability" },
      { label: "Retired", value: function (r) { return r.retired ? "yes" : "no"; }, field: "retired" }
    ], rows, {
      caption: "Beta posteriors per segment and arm (" + p.metric + ")",
      empty: "No bandit state yet (fixed-allocation experiments keep none).",
      rowAttrs: function (r) { return { "data-arm": r.arm, "data-segment": r.segment }; }
    });
    fill(el, h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Posteriors" }, t));
  }

  async function renderTimeseries(e, bucket, el) {
    fill(el, h("p", { class: "meta" }, "Loading time series…"));
    try {
      var ts = await api("/v1/admin/experiments/" + encodeURIComponent(e.id) + "/timeseries?bucket=" + bucket);
      var labels = ts.buckets.map(function (b) { return bucketLabel(b.start, ts.bucket); });
      var shareSeries = ts.arms.map(function (arm, j) { return { name: arm, values: ts.buckets.map(function (b) { return b.arms[j].traffic_share; }) }; });
      var ctrSeries = ts.arms.map(function (arm, j) { return { name: arm, values: ts.buckets.map(function (b) { return b.arms[j].ctr; }) }; });
      var xLabel = (ts.bucket === "day" ? "Day" : "Hour") + " (UTC)";
      var fmtPct = function (v) { return pct(v, 0); };
      var fmtCtr = function (v) { return pct(v, 1); };
      var shareBox = h("div", { class: "chart" });
      var ctrBox = h("div", { class: "chart" });
      fill(el, [
        legend(ts.arms),
        h("div", { class: "charts" }, [shareBox, ctrBox]),
        tableOf([
          { label: "Arm", key: "arm", header: true },
          { label: "Decisions", value: function (r) { return num(r.decisions); }, num: true },
          { label: "Share", value: function (r) { return pct(r.traffic_share); }, num: true },
          { label: "Clicks", value: function (r) { return num(r.clicks); }, num: true },
          { label: "CTR", value: function (r) { return pct(r.ctr, 2); }, num: true },
          { label: "Conversions (" + ts.metric + ")", value: function (r) { return num(r.conversions); }, num: true },
          { label: "Rate", value: function (r) { return pct(r.conversion_rate, 2); }, num: true }
        ], ts.totals, { caption: "Totals since " + when(ts.since) })
      ]);
      // Drawn once their boxes are laid out, so each chart is sized to its own column.
      fill(shareBox, lineChart(labels, shareSeries, { title: "Traffic share per arm, " + e.id, yMax: 1, format: fmtPct, yLabel: "Share of decisions", xLabel: xLabel, width: widthOf(shareBox) }));
      fill(ctrBox, lineChart(labels, ctrSeries, { title: "Click-through rate per arm, " + e.id, format: fmtCtr, yLabel: "CTR", xLabel: xLabel, width: widthOf(ctrBox) }));
    } catch (err) {
      failedInto(el)(err);
    }
  }

  function tableOf(columns, rows, opts) {
    var t = h("table");
    table(t, columns, rows, opts);
    return h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": (opts && opts.caption) || "Table" }, t);
  }

  function renderReport(r, el) {
    var parts = [];
    parts.push(h("p", { class: "meta" }, num(r.units) + " units · metric " + r.metric + " · " + r.allocation + (r.srm ? " · SRM p = " + num(r.srm.p_value, 4) + (r.srm.flag ? " (mismatch!)" : "") : "")));
    parts.push(tableOf([
      { label: "Variant", value: function (v) { return v.variant + (v.is_control ? " (control)" : ""); }, header: true },
      { label: "Units", value: function (v) { return num(v.units); }, num: true },
      { label: "Conversions", value: function (v) { return num(v.conversions); }, num: true },
      { label: "Rate", value: function (v) { return pct(v.rate, 2); }, num: true },
      { label: "Lift", value: function (v) { return v.lift ? pp(v.lift.absolute) : null; }, num: true },
      { label: "95% CI", value: function (v) { return v.lift && v.lift.absolute_ci ? pp(v.lift.absolute_ci[0]) + " to " + pp(v.lift.absolute_ci[1]) : null; }, num: true },
      { label: "Relative", value: function (v) { return v.lift ? pct(v.lift.relative) : null; }, num: true },
      { label: "p-value", value: function (v) { return v.lift ? num(v.lift.p_value, 4) : null; }, num: true },
      { label: "P(beat control)", value: function (v) { return v.bayes ? pct(v.bayes.probability_to_beat_control) : null; }, num: true }
    ], r.variants || [], { caption: "Per variant against control" }));
    (r.notes || []).forEach(function (n) { parts.push(h("p", { class: "meta" }, n)); });
    fill(el, parts);
  }

  // ------------------------------------------------------------------ 3. campaigns

  async function loadCampaigns() {
    say("campaigns-status", "Loading…");
    var data = await api("/v1/admin/campaigns");
    table($("campaigns-table"), [
      { label: "Name", key: "name", header: true },
      { label: "Status", value: function (c) { return statusBadge(c.status); } },
      { label: "Stage", key: "stage" },
      { label: "Progress", value: function (c) { return progressOf(c.done, c.total); } },
      { label: "Customers", value: function (c) { return num(c.customers); }, num: true },
      { label: "Generator", key: "generator" },
      { label: "Created", value: function (c) { return when(c.created_at); } },
      { label: "Open", value: function (c) { return h("button", { type: "button", class: "secondary", "aria-label": "Open campaign " + c.name, onclick: function () { openCampaign(c.campaign_id); } }, "Open"); } }
    ], data.campaigns, { empty: "No campaigns yet.", rowAttrs: function (c) { return { "data-campaign": c.campaign_id }; } });
    say("campaigns-status", data.campaigns.length + " campaigns, newest first.");
  }

  function progressOf(done, total) {
    var label = num(done) + " / " + num(total);
    if (!(total > 0)) return label;
    return h("span", null, [h("progress", { max: total, value: Math.min(done, total), "aria-label": "progress " + label }), " " + label]);
  }

  async function openCampaign(id) {
    var detail = $("campaign-detail");
    detail.hidden = false;
    $("campaign-title").textContent = id;
    fill($("campaign-summary"), h("p", { class: "meta" }, "Loading…"));
    fill($("campaign-report"), null);
    clear($("audit-table"));
    say("audit-status", "");
    var enc = encodeURIComponent(id);
    try {
      var c = await api("/v1/campaigns/" + enc);
      state.campaign = c;
      $("campaign-title").textContent = c.name + " (" + c.campaign_id + ")";
      renderCampaignSummary(c);
      loadCampaignReport(c);
      loadAudit(c.campaign_id);
      $("campaign-title").scrollIntoView({ block: "start" });
    } catch (err) {
      failedInto($("campaign-summary"))(err);
    }
  }

  function renderCampaignSummary(c) {
    var p = c.progress || {};
    var dl = h("dl", { class: "kv" }, [
      h("dt", null, "Status"), h("dd", { "data-field": "status" }, statusBadge(c.status)),
      h("dt", null, "Stage"), h("dd", null, p.stage || "–"),
      h("dt", null, "Progress"), h("dd", null, progressOf(p.done, p.total)),
      h("dt", null, "Customers"), h("dd", null, num(c.customers)),
      h("dt", null, "Generator"), h("dd", null, c.generator || "–"),
      h("dt", null, "Variants"), h("dd", null, num((c.variants || []).length)),
      h("dt", null, "Created"), h("dd", null, when(c.created_at)),
      h("dt", null, "Approved"), h("dd", null, when(c.approved_at))
    ]);
    var actions = h("div", { class: "row-actions" });
    if (c.status === "awaiting_approval") {
      var btn = h("button", { type: "button", id: "campaign-approve" }, "Approve");
      btn.addEventListener("click", async function () {
        btn.disabled = true;
        try {
          var after = await api("/v1/campaigns/" + encodeURIComponent(c.campaign_id) + "/approve", { method: "POST" });
          state.campaign = after;
          renderCampaignSummary(after);
          loadCampaignReport(after);
          loadCampaigns().catch(failed("campaigns-status"));
        } catch (err) {
          btn.disabled = false;
          failed("campaigns-status")(err);
        }
      });
      actions.appendChild(btn);
    }
    if (c.error) actions.appendChild(h("p", { class: "error" }, c.error));
    fill($("campaign-summary"), [dl, actions]);
  }

  async function loadCampaignReport(c) {
    var el = $("campaign-report");
    if (c.status !== "approved" && c.status !== "completed") {
      fill(el, h("p", { class: "meta" }, "The report exists once the campaign is approved (it is " + c.status + ")."));
      return;
    }
    fill(el, h("p", { class: "meta" }, "Loading report…"));
    var enc = encodeURIComponent(c.campaign_id);
    try {
      var r = await api("/v1/campaigns/" + enc + "/report");
      var o = r.overall || {};
      var htmlPath = "/v1/campaigns/" + enc + "/report?format=html";
      var open = h("button", { type: "button", class: "secondary" }, "Open HTML report");
      open.addEventListener("click", function () { openHtml(htmlPath, c.campaign_id + "-report.html"); });
      fill(el, [
        h("p", { class: "meta" }, (r.simulated ? "Simulated engagement (no results imported yet)" : "Imported results") + " · metric " + r.metric + " · " + num(r.units) + " customers · " + num(r.comparisons) + " comparisons (Holm)"),
        tableOf([
          { label: "Group", key: "group", header: true },
          { label: "Customers", value: function (x) { return num(x.units); }, num: true },
          { label: "Metric rate", value: function (x) { return pct(x.metric_rate, 2); }, num: true },
          { label: "Open rate", value: function (x) { return pct(x.open_rate, 1); }, num: true },
          { label: "Click rate", value: function (x) { return pct(x.click_rate, 1); }, num: true }
        ], [Object.assign({ group: "control" }, o.control || {}), Object.assign({ group: "all treatments" }, o.treatment || {})], { caption: "Overall" }),
        h("p", null, o.lift ? "Lift " + pp(o.lift.absolute) + " (95% CI " + pp(o.lift.absolute_ci[0]) + " to " + pp(o.lift.absolute_ci[1]) + "), p = " + num(o.lift.p_value, 4) + (o.lift.significant ? ", significant" : ", not significant") : "No overall lift: too few customers per arm."),
        tableOf([
          { label: "Segment", key: "segment_id", header: true, mono: true },
          { label: "Customers", value: function (x) { return num(x.units); }, num: true },
          { label: "Verdict", value: function (x) { return x.winner ? x.winner.status.replace(/_/g, " ") : null; } },
          { label: "Arm", value: function (x) { return x.winner ? x.winner.arm : null; } },
          { label: "Why", value: function (x) { return x.winner ? x.winner.reason : null; } }
        ], r.segments || [], { caption: "Per segment" }),
        h("div", { class: "row-actions" }, [open, h("span", { class: "meta" }, "HTML version: " + htmlPath)])
      ]);
    } catch (err) {
      failedInto(el)(err);
    }
  }

  // The HTML report needs the bearer key, so a plain link cannot fetch it: fetch, then open or save the copy.
  async function openHtml(path, filename) {
    try {
      var res = await api(path, { raw: true });
      var url = URL.createObjectURL(new Blob([await res.text()], { type: "text/html" }));
      var win = window.open(url, "_blank");
      if (!win) download(url, filename);
      setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
    } catch (err) {
      failed("campaigns-status")(err);
    }
  }

  function download(url, filename) {
    var a = h("a", { href: url, download: filename, hidden: true });
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  // RFC 4180: quoted fields may hold commas, quotes ("") and line breaks.
  function parseCsv(text) {
    var rows = [], row = [], field = "", i = 0, quoted = false;
    if (text.charCodeAt(0) === 0xfeff) i = 1;
    for (; i < text.length; i++) {
      var ch = text[i];
      if (quoted) {
        if (ch === '"') {
          if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
        } else field += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ",") { row.push(field); field = ""; }
      else if (ch === "\n" || ch === "\r") {
        if (ch === "\r" && text[i + 1] === "\n") i++;
        row.push(field); field = "";
        rows.push(row); row = [];
      } else field += ch;
    }
    if (field !== "" || row.length > 0) { row.push(field); rows.push(row); }
    return rows.filter(function (r) { return !(r.length === 1 && r[0] === ""); });
  }

  // Same defusing as the server's CSV: a cell a spreadsheet would run as a formula gets a leading apostrophe.
  function csvCell(v) {
    v = v === null || v === undefined ? "" : String(v);
    if (/^[=+\-@\t\r]/.test(v) && !/^-?\d+(\.\d+)?$/.test(v)) v = "'" + v;
    return /[",\r\n]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
  }

  async function loadAudit(id) {
    say("audit-status", "Loading audit log…");
    try {
      var res = await api("/v1/campaigns/" + encodeURIComponent(id) + "/audit.csv", { raw: true });
      var rows = parseCsv(await res.text());
      var header = rows.shift() || [];
      state.audit = {
        header: header,
        rows: rows.map(function (r) { var o = {}; header.forEach(function (k, j) { o[k] = r[j] === undefined ? "" : r[j]; }); return o; })
      };
      var segs = [];
      state.audit.rows.forEach(function (r) { if (segs.indexOf(r.segment_id) < 0) segs.push(r.segment_id); });
      segs.sort();
      fill($("audit-segment"), [h("option", { value: "" }, "All")].concat(segs.map(function (sg) { return h("option", { value: sg }, sg); })));
      renderAudit();
    } catch (err) {
      failed("audit-status")(err);
    }
  }

  function auditFiltered() {
    var decision = $("audit-decision").value;
    var segment = $("audit-segment").value;
    var minSev = Number($("audit-severity").value) || 0;
    return state.audit.rows.filter(function (r) {
      return (!decision || r.decision === decision) && (!segment || r.segment_id === segment) && (Number(r.max_severity) || 0) >= minSev;
    });
  }

  function renderAudit() {
    var rows = auditFiltered();
    table($("audit-table"), [
      { label: "Variant", key: "variant_id", header: true, mono: true },
      { label: "Segment", key: "segment_id", mono: true },
      { label: "Decision", value: function (r) { return statusBadge(r.decision); } },
      { label: "Max severity", key: "max_severity", num: true },
      { label: "Categories", key: "categories" },
      { label: "Screener", key: "screener_version" },
      { label: "Screened", value: function (r) { return when(r.screened_at); } },
      // The full hash is in the export; the table shows a prefix, which is enough to tell variants apart.
      { label: "Text SHA-256", value: function (r) { return r.text_sha256 ? h("span", { title: r.text_sha256 }, shorten(r.text_sha256, 13)) : null; }, mono: true }
    ], rows, { empty: "No audit rows match." });
    say("audit-status", "Showing " + rows.length + " of " + state.audit.rows.length + " screened variants.");
  }

  function exportAudit() {
    var header = state.audit.header;
    if (header.length === 0) return;
    var lines = [header.map(csvCell).join(",")];
    auditFiltered().forEach(function (r) { lines.push(header.map(function (k) { return csvCell(r[k]); }).join(",")); });
    var url = URL.createObjectURL(new Blob([lines.join("\r\n") + "\r\n"], { type: "text/csv" }));
    download(url, (state.campaign ? state.campaign.campaign_id : "campaign") + "-audit-filtered.csv");
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }

  // ------------------------------------------------------------------ 4. decisions and rejected feedback

  function decisionQuery(before, beforeId) {
    var q = new URLSearchParams();
    [["surface", "decision-surface"], ["segment", "decision-segment"], ["experiment", "decision-experiment"]].forEach(function (pair) {
      var v = $(pair[1]).value.trim();
      if (v) q.set(pair[0], v);
    });
    q.set("limit", $("decision-limit").value);
    if (before) q.set("before", before);
    if (beforeId) q.set("before_id", beforeId);
    return q.toString();
  }

  async function loadDecisions(cursor) {
    say("decisions-status", "Loading…");
    try {
      var data = await api("/v1/admin/decisions?" + decisionQuery(cursor && cursor.before, cursor && cursor.before_id));
      table($("decisions-table"), [
        { label: "Decided", value: function (d) { return when(d.decided_at); } },
        { label: "Request", key: "request_id", header: true, mono: true },
        { label: "Surface", key: "surface_id" },
        { label: "Segment", key: "segment_id", mono: true },
        { label: "Experiment", key: "experiment_id" },
        { label: "Arm", key: "arm" },
        { label: "Propensity", value: function (d) { return num(d.propensity, 3); }, num: true },
        { label: "Holdout", value: function (d) { return d.holdout ? "yes" : "no"; } },
        { label: "Items", value: function (d) { return (d.items || []).join(", "); } },
        { label: "Top score", value: function (d) { return num(d.top_score, 3); }, num: true },
        { label: "Policy", key: "policy_version" }
      ], data.decisions, { empty: "No decisions match these filters." });
      state.decisionNext = data.next_before ? { before: data.next_before, before_id: data.next_before_id } : null;
      $("decisions-older").disabled = !state.decisionNext;
      $("decisions-newer").disabled = state.decisionCursors.length === 0;
      say("decisions-status", data.decisions.length + " decisions, newest first" + (state.decisionCursors.length ? " (page " + (state.decisionCursors.length + 1) + ")" : "") + ".");
    } catch (err) {
      failed("decisions-status")(err);
    }
  }

  async function loadRejected() {
    say("rejected-status", "Loading…");
    try {
      var data = await api("/v1/admin/feedback?status=rejected&limit=100");
      table($("rejected-table"), [
        { label: "Received", value: function (f) { return when(f.received_at); } },
        { label: "Feedback", key: "feedback_id", header: true, mono: true },
        { label: "Request", key: "request_id", mono: true },
        { label: "Item", key: "item_id" },
        { label: "Reward", key: "reward_type" },
        { label: "Value", value: function (f) { return num(f.value, 2); }, num: true },
        { label: "Reason", key: "reason" }
      ], data.feedback, { empty: "No rejected feedback." });
      say("rejected-status", data.feedback.length + " most recent rejected feedback.");
    } catch (err) {
      failed("rejected-status")(err);
    }
  }

  // ------------------------------------------------------------------ 5. health and latency

  function badgeClass(status) {
    var v = String(status).toLowerCase();
    if (v === "ok" || v === "configured" || v === "pass" || v === "running" || v === "approved" || v === "completed" || v === "succeeded") return "ok";
    if (v === "down" || v === "failing" || v === "failed" || v === "missing" || v === "block" || v === "degraded" || v === "drift" || v === "stopped") return "bad";
    return "warn";
  }

  function statusBadge(status) {
    var text = status === null || status === undefined ? "unknown" : String(status);
    return h("span", { class: "badge " + badgeClass(text) }, text);
  }

  async function loadHealth() {
    say("health-status", "Loading…");
    try {
      var results = await Promise.all([api("/v1/admin/health", { allow: [503] }), api("/v1/admin/latency")]);
      var health = results[0], latency = results[1];
      var list = clear($("health-components"));
      Object.keys(health.components || {}).forEach(function (name) {
        var c = health.components[name] || {};
        var status = name === "drift" ? (c.flag ? "drift" : "ok") : c.status;
        var bits = [];
        if (typeof c.latency_ms === "number") bits.push(num(c.latency_ms, 2) + " ms");
        if (c.implementation) bits.push(c.implementation);
        if (c.version) bits.push("version " + c.version);
        if (c.note) bits.push(c.note);
        if (c.error) bits.push(c.error);
        if (name === "drift" && c.checked_at) bits.push("checked " + when(c.checked_at));
        list.appendChild(h("li", { "data-component": name }, [h("span", { class: "name" }, name.replace(/_/g, " ")), statusBadge(status), bits.length ? h("div", { class: "meta" }, bits.join(" · ")) : null]));
      });
      var runs = health.components && health.components.jobs && health.components.jobs.runs;
      fill($("health-jobs"), runs && runs.length ? tableOf([
        { label: "Job", key: "job", header: true },
        { label: "Status", value: function (r) { return statusBadge(r.status); } },
        { label: "Run", key: "run_key" },
        { label: "Started", value: function (r) { return when(r.started_at); } },
        { label: "Duration", value: function (r) { return r.duration_ms === null ? null : num(r.duration_ms) + " ms"; }, num: true }
      ], runs, { caption: "Nightly jobs, latest runs" }) : null);
      table($("latency-table"), [
        { label: "Method", key: "method" },
        { label: "Route", key: "route", header: true, mono: true },
        { label: "Samples", value: function (r) { return num(r.count); }, num: true },
        { label: "p50 ms", value: function (r) { return num(r.p50_ms, 2); }, num: true, field: "p50_ms" },
        { label: "p95 ms", value: function (r) { return num(r.p95_ms, 2); }, num: true, field: "p95_ms" },
        { label: "p99 ms", value: function (r) { return num(r.p99_ms, 2); }, num: true, field: "p99_ms" },
        { label: "max ms", value: function (r) { return num(r.max_ms, 2); }, num: true, field: "max_ms" }
      ], latency.routes || [], { empty: "No requests recorded in this isolate yet.", rowAttrs: function (r) { return { "data-route": r.method + " " + r.route }; } });
      say("latency-note", latency.note || "");
      say("health-status", "Overall: " + health.status + " · checked " + new Date().toISOString().slice(11, 19) + " UTC");
    } catch (err) {
      failed("health-status")(err);
    }
  }

  // Messages the feedback queue gave up on after its retries (an outage of D1 or the Durable Objects), kept in D1
  // by the dead-letter consumer until the operator replays them onto the queue. Replaying twice is harmless. The
  // note leads the status line (what a replay just did).
  async function loadDeadLetters(note) {
    say("dead-letters-status", "Loading…");
    try {
      var data = await api("/v1/admin/dead-letters?state=pending&limit=100");
      table($("dead-letters-table"), [
        { label: "Dead since", value: function (d) { return when(d.dead_at); } },
        { label: "Id", key: "id", header: true, num: true },
        { label: "Kind", key: "kind" },
        { label: "Attempts", key: "attempts", num: true },
        { label: "Message", key: "message_id", mono: true },
        { label: "Body", value: function (d) { return shorten(typeof d.body === "string" ? d.body : JSON.stringify(d.body), 140); }, mono: true }
      ], data.dead_letters, { empty: "No dead letters: every accepted message reached storage.", rowAttrs: function (d) { return { "data-dead-letter": String(d.id) }; } });
      $("dead-letters-replay").disabled = data.pending === 0;
      say("dead-letters-status", (note || "") + (data.pending === 0 ? "None pending." : data.pending + " pending, the oldest since " + when(data.oldest_dead_at) + (data.pending > data.dead_letters.length ? " (the oldest " + data.dead_letters.length + " shown)" : "") + "."));
    } catch (err) {
      failed("dead-letters-status")(err);
    }
  }

  async function replayDeadLetters() {
    var button = $("dead-letters-replay");
    button.disabled = true;
    say("dead-letters-status", "Replaying…");
    try {
      var outcome = await api("/v1/admin/dead-letters/replay", { method: "POST" });
      await loadDeadLetters("Replayed " + outcome.replayed + " onto the queue" + (outcome.failed ? "; " + outcome.failed.not_replayed + " not replayed: " + outcome.failed.error : "") + ". ");
    } catch (err) {
      failed("dead-letters-status")(err);
      button.disabled = false;
    }
  }

  // ------------------------------------------------------------------ session

  function showDashboard() {
    $("login-view").hidden = true;
    $("dashboard").hidden = false;
    $("nav").hidden = false;
    $("sign-out").hidden = false;
    state.decisionCursors = [];
    loadPersonas().catch(failed("personas-meta")).then(function () { if (apiKey()) schedulePersonas(); });
    loadExperiments().catch(failed("experiments-status"));
    loadCampaigns().catch(failed("campaigns-status"));
    loadDecisions(null);
    loadRejected();
    loadHealth();
    loadDeadLetters("");
  }

  function signOut(message) {
    try { sessionStorage.removeItem(KEY); } catch (e) { /* storage unavailable */ }
    clearTimeout(state.personaTimer);
    state.personaTimer = null;
    Object.keys(state.posteriorTimers).forEach(stopPosteriors);
    state.campaign = null;
    state.audit = { header: [], rows: [] };
    // Nothing fetched with the key stays on the page after signing out.
    ["personas-chart", "personas-table", "segments-table", "experiments-list", "campaigns-table", "campaign-summary", "campaign-report",
      "audit-table", "decisions-table", "rejected-table", "health-components", "health-jobs", "latency-table", "dead-letters-table"].forEach(function (id) { clear($(id)); });
    ["personas-meta", "experiments-status", "campaigns-status", "audit-status", "decisions-status", "rejected-status", "health-status", "latency-note", "dead-letters-status"].forEach(function (id) { say(id, ""); });
    $("campaign-detail").hidden = true;
    $("dead-letters-replay").disabled = true;
    $("dashboard").hidden = true;
    $("nav").hidden = true;
    $("sign-out").hidden = true;
    $("login-view").hidden = false;
    say("login-error", message || "", !!message);
    var input = $("admin-key");
    input.value = "";
    input.focus();
  }

  async function signIn(ev) {
    ev.preventDefault();
    var key = $("admin-key").value.trim();
    if (!key) { say("login-error", "Enter the admin key.", true); return; }
    var button = $("sign-in");
    button.disabled = true;
    say("login-error", "");
    try { sessionStorage.setItem(KEY, key); } catch (e) { say("login-error", "This browser blocks session storage; the dashboard cannot keep the key.", true); button.disabled = false; return; }
    try {
      // A cheap authenticated call proves the key before any panel loads.
      await api("/v1/admin/latency");
      $("admin-key").value = "";
      showDashboard();
    } catch (err) {
      if (!(err instanceof UnauthorizedError)) {
        try { sessionStorage.removeItem(KEY); } catch (e) { /* ignore */ }
        say("login-error", "Could not reach the service: " + (err && err.message ? err.message : String(err)), true);
      }
    } finally {
      button.disabled = false;
    }
  }

  function init() {
    $("login").addEventListener("submit", signIn);
    $("sign-out").addEventListener("click", function () { signOut(""); });
    $("experiments-refresh").addEventListener("click", function () { loadExperiments().catch(failed("experiments-status")); });
    $("campaigns-refresh").addEventListener("click", function () { loadCampaigns().catch(failed("campaigns-status")); });
    $("health-refresh").addEventListener("click", function () { loadHealth(); loadDeadLetters(""); });
    $("dead-letters-replay").addEventListener("click", replayDeadLetters);
    $("rejected-refresh").addEventListener("click", loadRejected);
    $("decision-filters").addEventListener("submit", function (ev) {
      ev.preventDefault();
      state.decisionCursors = [];
      loadDecisions(null);
    });
    $("decisions-older").addEventListener("click", function () {
      if (!state.decisionNext) return;
      state.decisionCursors.push(state.decisionNext);
      loadDecisions(state.decisionNext);
    });
    $("decisions-newer").addEventListener("click", function () {
      state.decisionCursors.pop();
      loadDecisions(state.decisionCursors[state.decisionCursors.length - 1] || null);
    });
    ["audit-decision", "audit-segment", "audit-severity"].forEach(function (id) { $(id).addEventListener("input", renderAudit); $(id).addEventListener("change", renderAudit); });
    $("audit-filters").addEventListener("submit", function (ev) { ev.preventDefault(); });
    $("audit-export").addEventListener("click", exportAudit);
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden && apiKey() && !$("dashboard").hidden) { loadPersonas().catch(failed("personas-meta")); schedulePersonas(); }
    });
    if (apiKey()) showDashboard();
    else $("admin-key").focus();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
`;
