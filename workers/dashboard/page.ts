// The operator dashboard's shell and styles, served by router.ts. The shell holds no data (every number is fetched
// with the admin key after sign-in), so it can be served without auth; its script lives in client.ts and is
// served from /dashboard/app.js because the CSP allows no inline script.

/** Where the shell's own assets are served (the router is mounted at /dashboard). */
export const DASHBOARD_BASE = "/dashboard";

/** Strict CSP: same-origin scripts and fetches only; inline styles allowed for SVG charts; no framing. */
export const DASHBOARD_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>aura · operator dashboard</title>
<link rel="stylesheet" href="${DASHBOARD_BASE}/app.css">
<script src="${DASHBOARD_BASE}/app.js" defer></script>
</head>
<body>
<a class="skip" href="#content">Skip to content</a>
<header class="top">
  <p class="brand">aura <span>operator dashboard</span></p>
  <nav id="nav" aria-label="Panels" hidden>
    <ul>
      <li><a href="#panel-personas">Personas</a></li>
      <li><a href="#panel-experiments">Experiments</a></li>
      <li><a href="#panel-campaigns">Campaigns</a></li>
      <li><a href="#panel-decisions">Decisions</a></li>
      <li><a href="#panel-health">Health</a></li>
    </ul>
  </nav>
  <button type="button" id="sign-out" class="secondary" hidden>Sign out</button>
</header>
<div id="content" tabindex="-1">
<noscript><p class="error">The dashboard needs JavaScript.</p></noscript>

<section id="login-view" class="login" aria-labelledby="login-title">
  <h1 id="login-title">Sign in</h1>
  <p>Enter the admin key (<code>ADMIN_API_KEY</code>). It stays in this tab's session storage and is sent only as a bearer token to this service.</p>
  <!-- The input has no name: without the script nothing is submitted, so the key can never land in a URL. -->
  <form id="login" method="post" action="${DASHBOARD_BASE}" autocomplete="off">
    <label for="admin-key">Admin key</label>
    <input id="admin-key" type="password" autocomplete="current-password" spellcheck="false" required>
    <button type="submit" id="sign-in">Sign in</button>
    <p id="login-error" class="error" role="alert"></p>
  </form>
</section>

<main id="dashboard" hidden>
  <h1 class="visually-hidden">Operator dashboard</h1>

  <section id="panel-personas" class="panel" aria-labelledby="h-personas">
    <div class="panel-head">
      <h2 id="h-personas">Live persona distribution</h2>
      <p class="meta" id="personas-meta" role="status"></p>
    </div>
    <div class="grid-2">
      <div>
        <h3>Visitors per persona, last 24 h</h3>
        <div id="personas-chart" class="chart"></div>
        <details>
          <summary>Show as a table</summary>
          <div class="table-wrap" tabindex="0" role="region" aria-label="Personas table"><table id="personas-table"></table></div>
        </details>
      </div>
      <div>
        <h3>Top micro-segments</h3>
        <div class="table-wrap" tabindex="0" role="region" aria-label="Top micro-segments"><table id="segments-table"></table></div>
      </div>
    </div>
  </section>

  <section id="panel-experiments" class="panel" aria-labelledby="h-experiments">
    <div class="panel-head">
      <h2 id="h-experiments">Experiments</h2>
      <button type="button" id="experiments-refresh" class="secondary">Refresh</button>
    </div>
    <p class="meta" id="experiments-status" role="status"></p>
    <ul id="experiments-list" class="exp-list"></ul>
  </section>

  <section id="panel-campaigns" class="panel" aria-labelledby="h-campaigns">
    <div class="panel-head">
      <h2 id="h-campaigns">Campaigns</h2>
      <button type="button" id="campaigns-refresh" class="secondary">Refresh</button>
    </div>
    <p class="meta" id="campaigns-status" role="status"></p>
    <div class="table-wrap" tabindex="0" role="region" aria-label="Campaigns"><table id="campaigns-table"></table></div>
    <div id="campaign-detail" class="detail" hidden>
      <h3 id="campaign-title"></h3>
      <div id="campaign-summary"></div>
      <h4>Report</h4>
      <div id="campaign-report"></div>
      <h4>Safety audit log</h4>
      <form id="audit-filters" class="filters">
        <div><label for="audit-decision">Decision</label>
          <select id="audit-decision"><option value="">All</option><option value="pass">pass</option><option value="block">block</option></select></div>
        <div><label for="audit-segment">Segment</label><select id="audit-segment"><option value="">All</option></select></div>
        <div><label for="audit-severity">Min severity</label><input id="audit-severity" type="number" min="0" max="7" step="1" value="0" inputmode="numeric"></div>
        <div class="actions"><button type="button" id="audit-export" class="secondary">Export filtered CSV</button></div>
      </form>
      <p class="meta" id="audit-status" role="status"></p>
      <div class="table-wrap" tabindex="0" role="region" aria-label="Safety audit log"><table id="audit-table"></table></div>
    </div>
  </section>

  <section id="panel-decisions" class="panel" aria-labelledby="h-decisions">
    <div class="panel-head"><h2 id="h-decisions">Decision browser</h2></div>
    <form id="decision-filters" class="filters">
      <div><label for="decision-surface">Surface</label><input id="decision-surface" list="surface-options" spellcheck="false" autocomplete="off">
        <datalist id="surface-options"><option value="homepage.hero"></option><option value="homepage.carousel"></option><option value="product.related"></option><option value="checkout.upsell"></option><option value="content.guides"></option></datalist></div>
      <div><label for="decision-segment">Segment</label><input id="decision-segment" spellcheck="false" autocomplete="off" placeholder="seg_learn_mobile_new"></div>
      <div><label for="decision-experiment">Experiment</label><select id="decision-experiment"><option value="">Any</option></select></div>
      <div><label for="decision-limit">Per page</label><select id="decision-limit"><option>25</option><option selected>50</option><option>100</option><option>200</option></select></div>
      <div class="actions"><button type="submit">Apply</button></div>
    </form>
    <p class="meta" id="decisions-status" role="status"></p>
    <div class="table-wrap" tabindex="0" role="region" aria-label="Decisions"><table id="decisions-table"></table></div>
    <div class="pager">
      <button type="button" id="decisions-newer" class="secondary" disabled>Newer</button>
      <button type="button" id="decisions-older" class="secondary" disabled>Older</button>
    </div>
    <h3 id="h-rejected">Rejected feedback</h3>
    <div class="panel-head"><p class="meta" id="rejected-status" role="status"></p><button type="button" id="rejected-refresh" class="secondary">Refresh</button></div>
    <div class="table-wrap" tabindex="0" role="region" aria-labelledby="h-rejected"><table id="rejected-table"></table></div>
  </section>

  <section id="panel-health" class="panel" aria-labelledby="h-health">
    <div class="panel-head">
      <h2 id="h-health">Component health and latency</h2>
      <button type="button" id="health-refresh" class="secondary">Refresh</button>
    </div>
    <p class="meta" id="health-status" role="status"></p>
    <ul id="health-components" class="badges"></ul>
    <div id="health-jobs"></div>
    <h3 id="h-dead-letters">Dead letters</h3>
    <div class="panel-head"><p class="meta" id="dead-letters-status" role="status"></p><button type="button" id="dead-letters-replay" class="secondary" disabled>Replay pending</button></div>
    <div class="table-wrap" tabindex="0" role="region" aria-labelledby="h-dead-letters"><table id="dead-letters-table"></table></div>
    <h3>Latency percentiles per route</h3>
    <p class="meta" id="latency-note"></p>
    <div class="table-wrap" tabindex="0" role="region" aria-label="Latency per route"><table id="latency-table"></table></div>
  </section>
</main>
</div>
</body>
</html>
`;

export const DASHBOARD_CSS = `
:root { --fg: #1b1f24; --muted: #4a5461; --bg: #f6f7f9; --card: #fff; --line: #d0d5dc; --accent: #1f5fbf;
  --ok-bg: #dff3e4; --ok-fg: #14532d; --warn-bg: #fff1cc; --warn-fg: #6b4700; --bad-bg: #fde2e1; --bad-fg: #8a1c13; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
:focus-visible { outline: 3px solid #f0a500; outline-offset: 2px; }
.skip { position: absolute; left: -9999px; top: 0; background: #000; color: #fff; padding: .5rem 1rem; z-index: 10; }
.skip:focus { left: .5rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.top { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1rem; padding: .6rem 1rem; background: #12263f; color: #fff; }
.brand { margin: 0; font-weight: 700; font-size: 1.15rem; }
.brand span { font-weight: 400; color: #c9d6e8; }
.top nav { flex: 1 1 auto; }
.top nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem .9rem; }
.top nav a { color: #fff; }
#content { max-width: 1280px; margin: 0 auto; padding: 1rem; }
#content:focus { outline: none; }
h1 { font-size: 1.4rem; margin: .2rem 0 .8rem; }
h2 { font-size: 1.2rem; margin: 0; }
h3 { font-size: 1rem; margin: 1rem 0 .4rem; }
h4 { font-size: .95rem; margin: 1rem 0 .4rem; }
.panel { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1rem; margin: 0 0 1rem; scroll-margin-top: 1rem; }
.panel-head { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: .5rem; }
.meta { color: var(--muted); font-size: .875rem; margin: .3rem 0; }
.error { color: var(--bad-fg); font-weight: 600; }
.error:empty { display: none; }
.login { max-width: 28rem; margin: 2rem auto; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1.25rem; }
.login form { display: grid; gap: .5rem; }
label { font-weight: 600; font-size: .875rem; display: block; margin-bottom: .15rem; }
input, select { font: inherit; padding: .4rem .5rem; border: 1px solid #8a94a3; border-radius: 4px; background: #fff; color: var(--fg); max-width: 100%; }
button { font: inherit; padding: .4rem .9rem; border-radius: 4px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; min-height: 2.25rem; }
button.secondary { background: #fff; color: var(--accent); }
button:disabled { opacity: .55; cursor: not-allowed; }
.top button.secondary { border-color: #fff; }
.grid-2, .charts { display: grid; gap: 1rem; grid-template-columns: minmax(0, 1fr); }
@media (min-width: 900px) { .grid-2 { grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); } .charts { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); } }
.chart svg { width: 100%; height: auto; display: block; }
.chart text { font-size: 12px; fill: var(--fg); }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: .3rem 1rem; padding: 0; margin: .3rem 0; font-size: .85rem; }
.legend svg { vertical-align: middle; margin-right: .3rem; }
.table-wrap { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; width: 100%; font-size: .875rem; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { background: #eef1f5; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.mono, th.mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .8rem; white-space: nowrap; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
.exp-list { list-style: none; margin: .5rem 0 0; padding: 0; }
.exp { border: 1px solid var(--line); border-radius: 6px; margin-bottom: .5rem; }
.exp-toggle { width: 100%; text-align: left; background: #fff; color: var(--fg); border: 0; border-radius: 6px; display: flex; flex-wrap: wrap; gap: .3rem .8rem; align-items: center; padding: .6rem .8rem; }
.exp-toggle[aria-expanded="true"] { background: #eef3fb; }
.exp-toggle .id { font-weight: 700; }
.exp-detail { padding: .2rem .8rem .8rem; }
.badge { display: inline-block; padding: .05rem .5rem; border-radius: 999px; font-size: .78rem; font-weight: 700; border: 1px solid transparent; }
.badge.ok { background: var(--ok-bg); color: var(--ok-fg); border-color: #9fd3ad; }
.badge.warn { background: var(--warn-bg); color: var(--warn-fg); border-color: #e6c766; }
.badge.bad { background: var(--bad-bg); color: var(--bad-fg); border-color: #f0a8a3; }
.badges { list-style: none; padding: 0; margin: .5rem 0; display: grid; gap: .5rem; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); }
.badges li { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .7rem; }
.badges .name { font-weight: 700; margin-right: .4rem; }
.filters { display: flex; flex-wrap: wrap; gap: .6rem 1rem; align-items: flex-end; margin: .5rem 0; }
.filters > div { min-width: 0; flex: 1 1 10rem; }
.filters input, .filters select { width: 100%; }
.filters .actions { flex: 0 0 auto; }
.filters.compact > div { flex: 0 1 16rem; }
.pager { display: flex; gap: .5rem; justify-content: flex-end; margin: .5rem 0; }
.detail { border-top: 2px solid var(--line); margin-top: 1rem; padding-top: .5rem; }
.kv { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .2rem .8rem; margin: .4rem 0; font-size: .9rem; }
.kv dt { font-weight: 600; color: var(--muted); }
.kv dd { margin: 0; }
progress { width: 8rem; max-width: 100%; }
.row-actions { display: flex; flex-wrap: wrap; gap: .4rem; margin: .5rem 0; }
@media (max-width: 480px) { #content { padding: .5rem; } .panel { padding: .75rem; } .top nav ul { gap: .2rem .7rem; } }
`;
