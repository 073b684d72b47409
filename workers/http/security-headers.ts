// Security headers on the HTML aura serves or proxies. A page that already states a policy keeps it (the
// dashboard's strict CSP and DENY, a report's sandbox-like CSP, an origin's own headers); a missing one is added.
// The CSP is added only to the built-in demo storefront, which aura knows: an external storefront (ORIGIN_URL)
// loads whatever its platform needs (tag managers, payment widgets), and a policy invented here would break it.
import type { MiddlewareHandler } from "hono";
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

/**
 * `res` with the security headers its kind needs. HTML gets the page policies, on a copy when its headers are
 * immutable (a proxied origin's are); anything else gets nosniff when it can take it, and otherwise is passed on
 * untouched, as the origin sent it. `externalOrigin`: the pages come from ORIGIN_URL, not the demo storefront.
 */
export function withSecurityHeaders(res: Response, requestUrl: string, externalOrigin: boolean): Response {
  const type = (res.headers.get("content-type") ?? "").toLowerCase();
  if (!type.includes("text/html")) {
    // JSON, scripts and images are never to be sniffed into HTML either.
    try {
      res.headers.set("x-content-type-options", "nosniff");
    } catch {
      // Immutable headers: left as the origin sent them.
    }
    return res;
  }
  let page = res;
  try {
    page.headers.set("x-content-type-options", "nosniff");
  } catch {
    page = new Response(res.body, res);
    page.headers.set("x-content-type-options", "nosniff");
  }
  const headers = page.headers;
  setIfAbsent(headers, "referrer-policy", "strict-origin-when-cross-origin");
  setIfAbsent(headers, "permissions-policy", PERMISSIONS_POLICY);
  if (!externalOrigin && !headers.has("content-security-policy")) headers.set("content-security-policy", STOREFRONT_CSP);
  // Clickjacking: the CSP's frame-ancestors where one is set (browsers that know it ignore X-Frame-Options when
  // both are present), X-Frame-Options for older browsers and for pages with no CSP.
  setIfAbsent(headers, "x-frame-options", "SAMEORIGIN");
  // HSTS means something only over https (browsers ignore it on http, and local dev is http). The runtime
  // serializes request.url with a lowercase scheme.
  if (requestUrl.startsWith("https:")) setIfAbsent(headers, "strict-transport-security", HSTS);
  return page;
}

export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async function securityHeadersMiddleware(c, next) {
    await next();
    if (isCompleteResponse(c)) return;
    const secured = withSecurityHeaders(c.res, c.req.url, !!c.env.ORIGIN_URL);
    // Hono's setter copies the response once more: only for a copy already made.
    if (secured !== c.res) c.res = secured;
  };
}
