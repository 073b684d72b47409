// GET /sdk.js: the bundled storefront SDK, small, cacheable, revalidated by ETag.
import { describe, expect, it } from "vitest";
import { SDK_GZIP_BYTES } from "./generated/sdk";
import { call } from "./test/helpers";

describe("GET /sdk.js", () => {
  it("serves the bundle as JavaScript under 6 KB gzipped, with an ETag that answers 304", async () => {
    const res = await call("/sdk.js");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/javascript; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("public, max-age=300");
    const code = await res.text();
    expect(code).toContain("aura");
    expect(SDK_GZIP_BYTES).toBeLessThanOrEqual(6 * 1024);
    // The build's own measure agrees with gzipping what is served.
    const gz = await new Response(new Blob([code]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer();
    expect(gz.byteLength).toBeLessThanOrEqual(6 * 1024);
    const etag = res.headers.get("etag")!;
    const again = await call("/sdk.js", { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
  });
});
