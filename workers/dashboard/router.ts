// /dashboard: the operator dashboard's shell, script and styles. Served without auth because they carry no data;
// the page asks for the admin key and sends it as a bearer token on every /v1 call it makes.
import { Hono, type Context } from "hono";
import type { AppEnv } from "../http/middleware";
import { DASHBOARD_JS } from "./client";
import { DASHBOARD_CSP, DASHBOARD_CSS, DASHBOARD_HTML } from "./page";

export const dashboardRouter = new Hono<AppEnv>();

/** Headers every dashboard asset carries: no sniffing, no framing, no referrer leaking the URL. */
function secured(c: Context<AppEnv>, contentType: string): void {
  c.header("content-type", contentType);
  c.header("content-security-policy", DASHBOARD_CSP);
  c.header("x-content-type-options", "nosniff");
  c.header("referrer-policy", "no-referrer");
  c.header("x-frame-options", "DENY");
  // Revalidate on every load so a deploy's new script and shell arrive together.
  c.header("cache-control", "no-cache");
}

dashboardRouter.get("/", (c) => {
  secured(c, "text/html; charset=utf-8");
  return c.body(DASHBOARD_HTML);
});

dashboardRouter.get("/app.js", (c) => {
  secured(c, "text/javascript; charset=utf-8");
  return c.body(DASHBOARD_JS);
});

dashboardRouter.get("/app.css", (c) => {
  secured(c, "text/css; charset=utf-8");
  return c.body(DASHBOARD_CSS);
});
