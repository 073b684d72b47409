// Security headers on the HTML aura serves or proxies. A page that already states a policy keeps it (the
// dashboard's strict CSP and DENY, a report's sandbox-like CSP, an origin's own headers); a missing one is added.
// The CSP is added only to the built-in demo storefront, which aura knows: an external storefront (ORIGIN_URL)
// loads whatever its platform needs (tag managers, payment widgets), and a policy invented here would break it.
import type { Context, MiddlewareHandler } from "hono";
import { isCompleteResponse, type AppEnv } from "./middleware";

/**
 * The demo storefront loads /sdk.js, /assets/storefront.js and /assets/storefront.css from its own origin, has
 * no inline script or style (storefront.js sets a CSS custom property through the CSSOM, which CSP allows), shows
 * same-origin SVG art or catalog images that may sit on a merchant's https CDN, and calls only its own /v1 API.
 */
export const STOREFRONT_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join("; ");

/** Nothing on a shop page needs these; a third-party script that asks for them is refused. */
export const PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), usb=(), browsing-topics=(), payment=(self)";

/** A year, without includeSubDomains or preload: both would bind hosts this Worker does not serve. */
export const HSTS = "max-age=31536000";

function setIfAbsent(headers: Headers, name: string, value: string): void {
  if (!headers.has(name)) headers.set(name, value);
}

/** The response with headers this middleware may change (a proxied origin's response has immutable ones). */
function mutableResponse(c: Context<AppEnv>): Headers {
  try {
    c.res.headers.set("x-content-type-options", "nosniff");
  } catch {
    c.res = new Response(c.res.body, c.res);
    c.res.headers.set("x-content-type-options", "nosniff");
  }
  return c.res.headers;
}

export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async function securityHeadersMiddleware(c, next) {
    await next();
    if (isCompleteResponse(c)) return;
    const type = (c.res.headers.get("content-type") ?? "").toLowerCase();
    if (!type.includes("text/html")) {
      // JSON, scripts and images are never to be sniffed into HTML either; a response that cannot take the
      // header (a proxied asset, passed through untouched) keeps the origin's.
      try {
        c.res.headers.set("x-content-type-options", "nosniff");
      } catch {
        // Immutable headers: left as the origin sent them.
      }
      return;
    }
    const headers = mutableResponse(c);
    setIfAbsent(headers, "referrer-policy", "strict-origin-when-cross-origin");
    setIfAbsent(headers, "permissions-policy", PERMISSIONS_POLICY);
    const csp = headers.get("content-security-policy");
    if (!csp && !c.env.ORIGIN_URL) headers.set("content-security-policy", STOREFRONT_CSP);
    // Clickjacking: the CSP's frame-ancestors where one is set (browsers that know it ignore X-Frame-Options when
    // both are present), X-Frame-Options for older browsers and for pages with no CSP.
    setIfAbsent(headers, "x-frame-options", "SAMEORIGIN");
    // HSTS means something only over https (browsers ignore it on http, and local dev is http).
    if (new URL(c.req.url).protocol === "https:") setIfAbsent(headers, "strict-transport-security", HSTS);
  };
}
