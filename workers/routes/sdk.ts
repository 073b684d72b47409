// GET /sdk.js: the storefront SDK (sdk/src, bundled by scripts/build-sdk.mjs), cacheable and revalidated by ETag.
import { Hono } from "hono";
import { SDK_ETAG, SDK_JS } from "../generated/sdk";
import type { AppEnv } from "../http/middleware";

export const sdkRouter = new Hono<AppEnv>();

sdkRouter.get("/", (c) => {
  // Five minutes in caches, then a cheap revalidation: a new SDK reaches pages within minutes of a deploy.
  const headers = { etag: SDK_ETAG, "cache-control": "public, max-age=300", "access-control-allow-origin": "*", "x-content-type-options": "nosniff" };
  if (c.req.header("if-none-match") === SDK_ETAG) return c.body(null, 304, headers);
  return c.body(SDK_JS, 200, { ...headers, "content-type": "application/javascript; charset=utf-8" });
});
