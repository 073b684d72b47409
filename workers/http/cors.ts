// CORS for browser calls to the public endpoints from the storefronts listed in ALLOWED_ORIGINS (empty: same
// origin only, which needs no CORS at all). Operator endpoints never answer cross-origin: the dashboard is
// same-origin, and a bearer key has no business in another site's page.
//
// Why a disallowed origin is refused at the preflight and not on the request itself: every public endpoint only
// accepts `content-type: application/json`, which is not a CORS "simple" type, so a browser always preflights
// it; refused there, the request is never sent. A simple request (a `text/plain` beacon, a form post) reaches
// the route without a preflight, gets no CORS headers (its page cannot read the answer) and is refused 415 by
// the route. The SDK's beacons are `application/json` Blobs: browsers preflight them like a fetch (credentials
// included, hence allow-credentials), and the SDK falls back to a keepalive fetch where a beacon is refused.
import type { MiddlewareHandler } from "hono";
import { ApiError } from "./errors";
import { isCompleteResponse, type AppEnv } from "./middleware";
import { endpointOf } from "./rate-limit";

export const CORS_ENDPOINTS: ReadonlySet<string> = new Set(["/v1/rank", "/v1/events", "/v1/feedback", "/v1/assistant"]);

/** Chromium caps a cached preflight at two hours (Firefox allows a day): more would be ignored. */
export const PREFLIGHT_MAX_AGE_SECONDS = 7200;

let parsedFrom: string | null = null;
let parsed: ReadonlySet<string> = new Set();

/** ALLOWED_ORIGINS as normalised origins (scheme, host, port); entries that are not http(s) origins are ignored. */
export function allowedOrigins(raw: string | undefined): ReadonlySet<string> {
  const value = raw ?? "";
  if (value === parsedFrom) return parsed;
  const origins = new Set<string>();
  for (const entry of value.split(",")) {
    const trimmed = entry.trim();
    if (!trimmed) continue;
    try {
      const url = new URL(trimmed);
      if (url.protocol === "https:" || url.protocol === "http:") origins.add(url.origin);
    } catch {
      // Not a URL: ignored rather than failing every request over one typo in configuration.
    }
  }
  parsedFrom = value;
  parsed = origins;
  return parsed;
}

function appendVary(headers: Headers, ...names: string[]): void {
  const present = (headers.get("vary") ?? "").split(",").map((v) => v.trim()).filter(Boolean);
  const lower = new Set(present.map((v) => v.toLowerCase()));
  for (const name of names) if (!lower.has(name.toLowerCase())) present.push(name);
  headers.set("vary", present.join(", "));
}

export function publicCors(): MiddlewareHandler<AppEnv> {
  return async function publicCorsMiddleware(c, next) {
    const path = endpointOf(c.req.path);
    if (!CORS_ENDPOINTS.has(path)) return next();
    const origin = c.req.header("origin");
    const crossOrigin = origin !== undefined && origin !== new URL(c.req.url).origin;
    const allowed = crossOrigin && allowedOrigins(c.env.ALLOWED_ORIGINS).has(origin);

    if (c.req.method === "OPTIONS" && origin !== undefined && c.req.header("access-control-request-method") !== undefined) {
      if (crossOrigin && !allowed) {
        throw new ApiError(403, "origin_not_allowed", `origin ${origin.slice(0, 200)} may not call ${path}: ALLOWED_ORIGINS lists the storefronts that may`);
      }
      const headers = new Headers({
        "access-control-allow-origin": origin,
        "access-control-allow-methods": "POST",
        "access-control-allow-headers": "content-type",
        "access-control-allow-credentials": "true",
        "access-control-max-age": String(PREFLIGHT_MAX_AGE_SECONDS),
      });
      appendVary(headers, "Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers");
      return new Response(null, { status: 204, headers });
    }

    c.set("corsGrant", allowed && origin !== undefined ? origin : null);
    await next();
    if (isCompleteResponse(c)) return;
    // The answer depends on Origin whether or not it carries CORS headers: caches must keep them apart.
    appendVary(c.res.headers, "Origin");
    if (!allowed) return;
    for (const [name, value] of Object.entries(corsGrantHeaders(origin))) c.res.headers.set(name, value);
  };
}

/**
 * What an answer of a CORS endpoint carries, built whole (workers/http/complete.ts): `Vary: Origin` always, the
 * grant when the origin is a listed storefront (`grant`, as the middleware recorded it; null: none).
 */
export function corsAnswerHeaders(grant: string | null): Record<string, string> {
  return { vary: "Origin", ...(grant !== null ? corsGrantHeaders(grant) : {}) };
}

/** What an answer to a listed storefront carries (on top of `Vary: Origin`, which every answer here carries). */
function corsGrantHeaders(origin: string): Record<string, string> {
  return {
    "access-control-allow-origin": origin,
    // Beacons are sent with credentials; these endpoints never read cookies for authority, so allowing them
    // gives a listed storefront nothing it could not send anyway.
    "access-control-allow-credentials": "true",
    // The SDK backs off on 429 by retry-after; x-request-id is what support asks for.
    "access-control-expose-headers": "retry-after, x-request-id",
  };
}
