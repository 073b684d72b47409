// Operator endpoints: catalog upserts (JSON and CSV, all or nothing), content search, segments, health.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { call, consentAll, expectError, json, minutesAgo, seedDemo } from "./test/helpers";

beforeAll(seedDemo);

const newItem = {
  id: "p900", kind: "product", title: "Aurora Gradient Mesh Kit", url: "/products/aurora-gradient-mesh-kit", category: "vector",
  cluster: "vector-gradients", topics: ["vector-art"], tags: ["new"], skill_level: "intermediate", price: 24, margin: 0.6,
  inventory: null, trend: 0.9, popularity: 0.5, published_at: "2026-11-20T00:00:00Z",
};
const itemCount = async () => (await env.DB.prepare("SELECT count(*) AS n FROM items").first<{ n: number }>())!.n;

describe("POST /v1/admin/catalog", () => {
  it("upserts JSON items and serves them immediately", async () => {
    const res = await call("/v1/admin/catalog", { admin: true, body: [newItem] });
    expect(res.status).toBe(200);
    const body = await json<{ upserted: number; catalog_version: string }>(res);
    expect(body.upserted).toBe(1);
    const rank = await json<{ items: { content_id: string; metadata: { title: string } }[] }>(
      await call("/v1/rank", { body: { surface_id: "homepage.carousel", candidates: ["p900"], user_ctx: { anon_id: "anon_admin", consent: [] } } }),
    );
    expect(rank.items[0]).toMatchObject({ content_id: "p900", metadata: { title: "Aurora Gradient Mesh Kit" } });
    // Updating is an upsert, not a duplicate.
    await call("/v1/admin/catalog", { admin: true, body: { items: [{ ...newItem, title: "Aurora Mesh Kit v2" }] } });
    const row = await env.DB.prepare("SELECT title FROM items WHERE id = 'p900'").first<{ title: string }>();
    expect(row!.title).toBe("Aurora Mesh Kit v2");
  });

  it("rejects the whole call when any item is invalid, writing nothing", async () => {
    const before = await itemCount();
    const err = await expectError(
      await call("/v1/admin/catalog", { admin: true, body: [{ ...newItem, id: "p901" }, { ...newItem, id: "p902", margin: 2 }, { ...newItem, id: "p901" }] }),
      400,
      "invalid_request",
    );
    expect(err.details!.map((d) => d.field)).toEqual(["items.1.margin", "items.2.id"]);
    expect(await itemCount()).toBe(before);
  });

  it("accepts CSV with | separated lists and reports bad rows by line", async () => {
    const header = "id,kind,title,url,category,cluster,topics,tags,skill_level,price,margin,inventory,trend,popularity,published_at,jurisdictions";
    const good = `p910,product,"Risograph Texture Pack, Vol. 2",/products/riso-2,photo,photo-textures,textures|print,print|new,beginner,12,0.7,,0.4,0.3,2026-11-01T00:00:00Z,US|CA`;
    const res = await call("/v1/admin/catalog", { admin: true, raw: `${header}\n${good}\n`, headers: { "content-type": "text/csv" } });
    expect(res.status, await res.clone().text()).toBe(200);
    const row = await env.DB.prepare("SELECT title, jurisdictions, inventory FROM items WHERE id = 'p910'").first<{ title: string; jurisdictions: string; inventory: number | null }>();
    expect(row).toEqual({ title: "Risograph Texture Pack, Vol. 2", jurisdictions: '["US","CA"]', inventory: null });

    const bad = `p911,product,Bad,/x,photo,c,,,expert,12,0.7,,0.4,0.3,2026-11-01T00:00:00Z,`;
    const err = await expectError(await call("/v1/admin/catalog", { admin: true, raw: `${header}\n${good}\n${bad}\n`, headers: { "content-type": "text/csv" } }), 400);
    expect(err.details![0]!.field).toBe("line 3.skill_level");
    await expectError(await call("/v1/admin/catalog", { admin: true, raw: `${header}\n"unterminated`, headers: { "content-type": "text/csv" } }), 400, "invalid_csv");
  });

  it("415 for other content types and 400 for an empty upload", async () => {
    await expectError(await call("/v1/admin/catalog", { admin: true, raw: "x", headers: { "content-type": "application/xml" } }), 415);
    await expectError(await call("/v1/admin/catalog", { admin: true, body: [] }), 400);
  });
});

describe("POST /v1/content/search", () => {
  it("finds guides by meaning-bearing words with stemming and returns the contract's fields", async () => {
    const res = await call("/v1/content/search", { admin: true, body: { query: "how to optimize conversion rates", limit: 5 } });
    expect(res.status).toBe(200);
    const { results } = await json<{ results: { content_id: string; title: string; url: string; similarity: number; topics: string[]; freshness_score: number }[] }>(res);
    expect(results.length).toBeGreaterThan(0);
    expect(results.length).toBeLessThanOrEqual(5);
    expect(results[0]!.title.toLowerCase()).toMatch(/conversion/);
    for (const r of results) {
      expect(r.content_id).toMatch(/^c\d+$/);
      expect(r.similarity).toBeGreaterThan(0);
      expect(r.similarity).toBeLessThanOrEqual(1);
      expect(r.freshness_score).toBeGreaterThanOrEqual(0);
      expect(r.freshness_score).toBeLessThanOrEqual(1);
    }
    for (let k = 1; k < results.length; k++) expect(results[k - 1]!.similarity).toBeGreaterThanOrEqual(results[k]!.similarity);
  });

  it("applies filters and validates the request", async () => {
    const { results } = await json<{ results: { topics: string[] }[] }>(await call("/v1/content/search", { admin: true, body: { query: "vector illustration", filters: { topics: ["vector-art"] } } }));
    for (const r of results) expect(r.topics).toContain("vector-art");
    await expectError(await call("/v1/content/search", { admin: true, body: { query: "   " } }), 400);
    await expectError(await call("/v1/content/search", { admin: true, body: { query: "x", limit: 500 } }), 400);
    expect((await json<{ results: unknown[] }>(await call("/v1/content/search", { admin: true, body: { query: "zzzqqq" } }))).results).toEqual([]);
  });
});

describe("GET /v1/segments/:user_id", () => {
  it("404 for an unknown visitor and 400 for a malformed id", async () => {
    await expectError(await call("/v1/segments/anon_never_seen", { admin: true }), 404, "not_found");
    await expectError(await call(`/v1/segments/${"x".repeat(200)}`, { admin: true }), 400);
  });

  it("reflects explicit quiz answers over browsing", async () => {
    await call("/v1/events", {
      body: {
        anon_id: "anon_seg_quiz", consent: consentAll, device: "mobile",
        events: [
          { type: "page_view", ts: minutesAgo(60), product_id: "p151" },
          { type: "page_view", ts: minutesAgo(59), product_id: "p144" },
          { type: "page_view", ts: minutesAgo(58), product_id: "p158" },
          { type: "quiz_answer", ts: minutesAgo(57), quiz: { question: "skill", answer: "beginner" } },
        ],
      },
    });
    const body = await json<{ segments: { persona: string; decided_by: { feature: string }[] }[] }>(await call("/v1/segments/anon_seg_quiz", { admin: true }));
    expect(body.segments[0]!.persona).toBe("novice_shopper");
    expect(body.segments[0]!.decided_by[0]!.feature).toBe("quiz:skill:beginner");
  });
});

describe("GET /v1/admin/health", () => {
  it("reports each component with status and latency", async () => {
    const res = await call("/v1/admin/health", { admin: true });
    expect(res.status).toBe(200);
    const body = await json<{ status: string; components: Record<string, { status: string; latency_ms?: number; items?: number }> }>(res);
    expect(body.status).toBe("ok");
    expect(body.components.d1).toMatchObject({ status: "ok" });
    expect(body.components.durable_objects).toMatchObject({ status: "ok" });
    expect(body.components.feature_store).toMatchObject({ status: "ok", implementation: "durable_object" });
    expect(body.components.queue).toMatchObject({ status: "configured" });
    expect(body.components.llm_provider!.status).toBe("not_configured");
    expect(body.components.snapshot!.items).toBeGreaterThanOrEqual(230);
    expect(typeof body.components.d1!.latency_ms).toBe("number");
  });
});
