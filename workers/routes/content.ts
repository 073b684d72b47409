// POST /v1/content/search: BM25F lexical search over the approved tutorials and guides in the snapshot; and
// /v1/content/approved: the corpus campaign emails are grounded in.
import { Hono } from "hono";
import * as z from "zod";
import { ApprovedContentInput, ContentId } from "../../shared/campaigns/corpus";
import { ApiError, invalidRequest } from "../http/errors";
import { ContentSearchRequest, searchContent } from "../../shared/content/search";
import { getSnapshot } from "../data/snapshot";
import { readJson, type AppEnv } from "../http/middleware";

export const content = new Hono<AppEnv>();

content.post("/search", async (c) => {
  const req = await readJson(c, ContentSearchRequest);
  const snapshot = await getSnapshot(c.env, c.executionCtx);
  const results = searchContent(snapshot.content(), req, new Date());
  return c.json({
    results: results.map(({ score: _raw, similarity, freshness_score, ...rest }) => ({
      ...rest,
      similarity: Math.round(similarity * 10_000) / 10_000,
      freshness_score: Math.round(freshness_score * 10_000) / 10_000,
    })),
  });
});

// The approved corpus campaign emails are grounded in: admins add or update documents (one or many), and list
// them. A document retired with status "retired" stops being citable; earlier audit rows keep their ids.
export const ApprovedContentBody = z.union([ApprovedContentInput, z.array(ApprovedContentInput).min(1).max(500)]);

content.post("/approved", async (c) => {
  const body = await readJson(c, ApprovedContentBody, 1024 * 1024);
  const docs = Array.isArray(body) ? body : [body];
  const ids = new Set<string>();
  for (const d of docs) {
    if (ids.has(d.id)) throw new ApiError(400, "duplicate_id", `content id ${d.id} appears twice in the request`);
    ids.add(d.id);
  }
  const stamp = new Date().toISOString();
  await c.env.DB.batch(
    docs.map((d) =>
      c.env.DB.prepare(
        "INSERT INTO approved_content (id, kind, title, body, tags, status, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, 'approved', ?6, ?6) ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, title = excluded.title, body = excluded.body, tags = excluded.tags, status = 'approved', updated_at = excluded.updated_at",
      ).bind(d.id, d.kind, d.title, d.body, JSON.stringify(d.tags), stamp),
    ),
  );
  return c.json({ upserted: docs.length, ids: [...ids] }, 201);
});

content.get("/approved", async (c) => {
  const rows = await c.env.DB.prepare("SELECT id, kind, title, body, tags, status, updated_at FROM approved_content ORDER BY id").all<{ id: string; kind: string; title: string; body: string; tags: string; status: string; updated_at: string }>();
  return c.json({ content: rows.results.map((r) => ({ ...r, tags: JSON.parse(r.tags) as string[] })) });
});

content.delete("/approved/:id", async (c) => {
  const id = ContentId.safeParse(c.req.param("id"));
  if (!id.success) throw invalidRequest(id.error, "content id");
  const res = await c.env.DB.prepare("UPDATE approved_content SET status = 'retired', updated_at = ?2 WHERE id = ?1").bind(id.data, new Date().toISOString()).run();
  if (res.meta.changes !== 1) throw new ApiError(404, "not_found", `no approved content ${id.data}`);
  return c.json({ id: id.data, status: "retired" });
});
