// The dashboard shell: served without a key (it holds no data), with a strict CSP and the security headers, no
// inline or third-party script, and the element ids the browser tests drive.
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { dashboardRouter } from "./router";

const app = new Hono();
app.route("/dashboard", dashboardRouter);

const REQUIRED_CSP = ["default-src 'self'", "img-src 'self' data:", "style-src 'self' 'unsafe-inline'", "script-src 'self'"];

function expectSecured(res: Response): void {
  const csp = res.headers.get("content-security-policy") ?? "";
  const directives = csp.split(";").map((d) => d.trim());
  for (const d of REQUIRED_CSP) expect(directives).toContain(d);
  // Nothing loosens script execution.
  expect(csp).not.toContain("unsafe-eval");
  expect(csp.split(";").find((d) => d.trim().startsWith("script-src"))).not.toContain("unsafe-inline");
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("referrer-policy")).toBe("no-referrer");
  expect(res.headers.get("x-frame-options")).toBe("DENY");
}

describe("GET /dashboard", () => {
  it("serves the shell without auth, with the strict CSP and security headers", async () => {
    const res = await app.request("/dashboard");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expectSecured(res);
  });

  it("has the login form, the five panels and accessible landmarks", async () => {
    const html = await (await app.request("/dashboard")).text();
    expect(html).toMatch(/<html lang="en">/);
    expect(html).toMatch(/<meta name="viewport" content="width=device-width, initial-scale=1">/);
    expect(html).toMatch(/<form id="login"[^>]*>/);
    expect(html).toMatch(/<label for="admin-key">/);
    expect(html).toMatch(/<input id="admin-key" type="password"/);
    expect(html).toMatch(/<button type="submit" id="sign-in">/);
    // The key input has no name: a form submitted without the script can never put it in a URL or body.
    expect(html).not.toMatch(/<input id="admin-key"[^>]*name=/);
    for (const id of ["panel-personas", "panel-experiments", "panel-campaigns", "panel-decisions", "panel-health"]) {
      expect(html).toMatch(new RegExp(`<section id="${id}" class="panel" aria-labelledby="h-[a-z]+">`));
    }
    expect(html).toContain('id="sign-out"');
    expect(html).toMatch(/<main id="dashboard" hidden>/);
    for (const id of ["audit-decision", "audit-segment", "audit-severity", "decision-surface", "decision-segment", "decision-experiment"]) {
      expect(html).toMatch(new RegExp(`<label for="${id}">`));
    }
  });

  it("loads only its own script and stylesheet, from /dashboard, and has no inline script or third-party URL", async () => {
    const html = await (await app.request("/dashboard")).text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]!);
    expect(scripts).toEqual([' src="/dashboard/app.js" defer']);
    expect(html).toContain('<link rel="stylesheet" href="/dashboard/app.css">');
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/\son[a-z]+=/i); // no inline event handlers either (the CSP would block them)
  });
});

describe("GET /dashboard/app.js and /dashboard/app.css", () => {
  it("serve with their content types and the same headers", async () => {
    const js = await app.request("/dashboard/app.js");
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expectSecured(js);
    const css = await app.request("/dashboard/app.css");
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expectSecured(css);
  });

  it("keeps the key in sessionStorage, sends it as a bearer header, and never parses API data as HTML", async () => {
    const js = await (await app.request("/dashboard/app.js")).text();
    expect(js).toContain('"aura_admin_key"');
    expect(js).toContain("sessionStorage");
    expect(js).not.toContain("localStorage");
    expect(js).toContain('"Bearer " + key');
    expect(js).toContain("res.status === 401");
    for (const sink of ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"]) expect(js).not.toContain(sink);
    expect(js).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it("calls every endpoint the panels need and marks the elements the browser tests use", async () => {
    const js = await (await app.request("/dashboard/app.js")).text();
    for (const path of [
      "/v1/admin/personas", "/v1/experiments", "/posteriors", "/report", "/v1/admin/experiments/", "/timeseries", "/v1/admin/campaigns",
      "/v1/campaigns/", "/approve", "/audit.csv", "?format=html", "/v1/admin/decisions?", "/v1/admin/feedback?status=rejected", "/v1/admin/health", "/v1/admin/latency",
      "/v1/admin/dead-letters?state=pending", "/v1/admin/dead-letters/replay",
    ]) expect(js).toContain(path);
    for (const marker of ['"data-dead-letter"', '"data-experiment"', '"data-arm"', '"data-field"', 'field: "alpha"', 'field: "beta"', 'field: "pulls"', 'field: "rewards"']) expect(js).toContain(marker);
    expect(js).toContain("PERSONA_REFRESH_MS = 10000");
  });
});
