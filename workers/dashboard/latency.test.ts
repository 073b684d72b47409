// The latency recorder: nearest-rank percentiles on known samples, the ring buffer's bounded window, and the
// middleware keying samples by route pattern (never by raw ids) through a real Hono app.
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { LatencyBook, LatencyWindow, latencyRecorder, percentile } from "../http/latency";

describe("percentile (nearest rank)", () => {
  it("reads observed values: p50/p95/p99 of 1..100 are 50, 95 and 99", () => {
    const sorted = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 0.5)).toBe(50);
    expect(percentile(sorted, 0.95)).toBe(95);
    expect(percentile(sorted, 0.99)).toBe(99);
    expect(percentile(sorted, 1)).toBe(100);
  });

  it("handles tiny and empty windows", () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([7], 0.99)).toBe(7);
    // Ten samples: p50 is the 5th, p95 and p99 round up to the 10th.
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(ten, 0.5)).toBe(5);
    expect(percentile(ten, 0.95)).toBe(10);
    expect(percentile(ten, 0)).toBe(1);
  });
});

describe("LatencyWindow", () => {
  it("keeps only the most recent `capacity` samples, oldest overwritten first", () => {
    const w = new LatencyWindow("GET", "/x", 4);
    for (const ms of [100, 200, 300, 400, 1, 2]) w.record(ms);
    expect([...w.sorted()]).toEqual([1, 2, 300, 400]);
    expect(w.total).toBe(6);
  });

  it("sorts numerically, not as strings", () => {
    const w = new LatencyWindow("GET", "/x", 8);
    for (const ms of [10, 9, 100, 2.5]) w.record(ms);
    expect([...w.sorted()]).toEqual([2.5, 9, 10, 100]);
  });
});

describe("LatencyBook.snapshot", () => {
  it("reports count, p50/p95/p99 and max per route over the window, and says it is per isolate", () => {
    const book = new LatencyBook(2048);
    const rank = book.window("POST", "/v1/rank");
    // 1..200 ms shuffled: order must not matter.
    const samples = Array.from({ length: 200 }, (_, i) => i + 1).sort((a, b) => ((a * 7919) % 211) - ((b * 7919) % 211));
    for (const ms of samples) rank.record(ms);
    book.window("GET", "/health").record(0);
    const snap = book.snapshot();
    expect(snap.scope).toBe("isolate");
    expect(snap.note).toMatch(/per isolate/i);
    expect(snap.note).toMatch(/I\/O/);
    expect(snap.window).toBe(2048);
    expect(snap.routes.map((r) => `${r.method} ${r.route}`)).toEqual(["GET /health", "POST /v1/rank"]);
    expect(snap.routes[1]).toEqual({ method: "POST", route: "/v1/rank", count: 200, total: 200, p50_ms: 100, p95_ms: 190, p99_ms: 198, max_ms: 200 });
    expect(snap.routes[0]).toMatchObject({ count: 1, p50_ms: 0, p99_ms: 0, max_ms: 0 });
  });

  it("forgets samples older than the window: 2,048 fast requests push out an earlier slow burst", () => {
    const book = new LatencyBook(2048);
    const w = book.window("GET", "/v1/admin/health");
    for (let i = 0; i < 100; i++) w.record(900);
    for (let i = 0; i < 2048; i++) w.record(5);
    const [route] = book.snapshot().routes;
    expect(route).toMatchObject({ count: 2048, total: 2148, p50_ms: 5, p99_ms: 5, max_ms: 5 });
  });
});

describe("latencyRecorder middleware", () => {
  function appWith(book: LatencyBook) {
    const app = new Hono();
    app.use("*", latencyRecorder({ book }));
    app.use("/private/*", async (c, next) => (c.req.header("authorization") ? next() : c.json({ error: "no" }, 401)));
    app.get("/items/:id", (c) => c.json({ id: c.req.param("id") }));
    app.post("/rank", (c) => c.json({ ok: true }));
    app.get("/private/thing", (c) => c.json({ ok: true }));
    app.get("/boom", () => {
      throw new Error("boom");
    });
    app.onError((_err, c) => c.json({ error: "internal" }, 500));
    return app;
  }

  it("groups requests by the matched route pattern, not the raw URL", async () => {
    const book = new LatencyBook(16);
    const app = appWith(book);
    for (const id of ["a", "b", "c", "a"]) expect((await app.request(`/items/${id}`)).status).toBe(200);
    await app.request("/rank", { method: "POST" });
    const routes = book.snapshot().routes;
    expect(routes.map((r) => [r.method, r.route, r.total])).toEqual([
      ["POST", "/rank", 1],
      ["GET", "/items/:id", 4],
    ].sort((a, b) => String(a[1]).localeCompare(String(b[1]))));
    for (const r of routes) expect(r.p50_ms).toBeGreaterThanOrEqual(0);
  });

  it("records errors and refusals too, under the pattern that answered, and leaves responses untouched", async () => {
    const book = new LatencyBook(16);
    const app = appWith(book);
    const refused = await app.request("/private/thing");
    expect(refused.status).toBe(401);
    expect((await app.request("/private/thing", { headers: { authorization: "x" } })).status).toBe(200);
    const boom = await app.request("/boom");
    expect(boom.status).toBe(500);
    expect(await boom.json()).toEqual({ error: "internal" });
    await app.request("/nowhere");
    const byRoute = Object.fromEntries(book.snapshot().routes.map((r) => [`${r.method} ${r.route}`, r.total]));
    // The refusal came from the middleware registered on /private/*; the success from the handler.
    expect(byRoute).toEqual({ "GET /private/*": 1, "GET /private/thing": 1, "GET /boom": 1, "GET /*": 1 });
  });

  it("buckets unknown methods together so a client cannot grow the map", async () => {
    const book = new LatencyBook(16);
    const app = appWith(book);
    for (const method of ["PROPFIND", "MKCOL", "PURGE"]) await app.request("/rank", { method });
    const routes = book.snapshot().routes;
    expect(routes).toHaveLength(1);
    expect(routes[0]).toMatchObject({ method: "OTHER", total: 3 });
  });
});
