// The Hono application: middleware, routers per resource, and the single error shape.
import { Hono } from "hono";
import { adminAuth, pathnameOf, requestId, type AppEnv } from "./http/middleware";
import { ApiError, errorResponse } from "./http/errors";
import { admin } from "./routes/admin";
import { assistantRouter } from "./routes/assistant";
import { campaignsRouter } from "./routes/campaigns";
import { adminDataRouter } from "./routes/admin-data";
import { dashboardRouter } from "./dashboard/router";
import { deadLettersRouter } from "./routes/dead-letters";
import { latencyRecorder } from "./http/latency";
import { content } from "./routes/content";
import { events } from "./routes/events";
import { experimentsRouter } from "./routes/experiments";
import { feedbackRouter } from "./routes/feedback";
import { openapi } from "./routes/openapi";
import { rank } from "./routes/rank";
import { safetyRouter } from "./routes/safety";
import { sdkRouter } from "./routes/sdk";
import { pageOrigin, servePage } from "./cdn/page";
import { storefrontApp } from "./storefront/app";
import { segments } from "./routes/segments";
import { users } from "./routes/users";
import { privacyRouter } from "./routes/privacy";
import { publicCors } from "./http/cors";
import { publicRateLimit } from "./http/rate-limit";
import { securityHeaders } from "./http/security-headers";

export const app = new Hono<AppEnv>();

// Without ORIGIN_URL the pages come from the built-in demo storefront, called in-process (no network hop).
pageOrigin.builtIn = (request, env, ctx) => Promise.resolve(storefrontApp.fetch(request, env, ctx));

app.use("*", requestId());
app.use("*", latencyRecorder());
app.use("*", securityHeaders());
app.use("/v1/*", publicCors());
app.use("/v1/*", publicRateLimit());
for (const protectedPath of ["/v1/admin/*", "/v1/segments/*", "/v1/content/*", "/v1/experiments", "/v1/experiments/*", "/v1/users/*", "/v1/campaigns", "/v1/campaigns/*", "/v1/safety/*"]) app.use(protectedPath, adminAuth());

app.get("/health", (c) => c.json({ status: "ok" }));
app.route("/openapi.json", openapi);
app.route("/v1/rank", rank);
app.route("/v1/events", events);
app.route("/v1/feedback", feedbackRouter);
app.route("/v1/experiments", experimentsRouter);
app.route("/v1/segments", segments);
app.route("/v1/content", content);
app.route("/v1/admin/dead-letters", deadLettersRouter);
app.route("/v1/admin", admin);
app.route("/v1/admin", adminDataRouter);
app.route("/v1/users", users);
app.route("/v1/users", privacyRouter);
app.route("/v1/campaigns", campaignsRouter);
app.route("/v1/safety", safetyRouter);
app.route("/v1/assistant", assistantRouter);

app.route("/sdk.js", sdkRouter);
// The dashboard's page holds no data (its calls carry the admin key), so it is served without auth.
app.route("/dashboard", dashboardRouter);
app.get("/dashboard/", (c) => c.redirect("/dashboard", 301));

/** Paths that belong to aura itself; everything else is the storefront's, proxied and personalized. */
const API_PATH = /^\/(v1\/|health$|openapi\.json$|sdk\.js$|dashboard(\/|$)|cdn-cgi\/)/;

/**
 * The Worker's fetch: aura's own paths go to the router (an unknown one is a 404 JSON error, never proxied);
 * every other path is the shop's, served by servePage without the router (see there).
 */
export function handleFetch(request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response> {
  return API_PATH.test(pathnameOf(request.url)) ? app.fetch(request, env, ctx) : servePage(request, env, ctx);
}

app.notFound((c) => errorResponse(c, new ApiError(404, "not_found", `no route for ${c.req.method} ${new URL(c.req.url).pathname}`)));
app.onError((err, c) => errorResponse(c, err));
