// POST /v1/content/search: BM25F lexical search over the approved tutorials and guides in the snapshot.
import { Hono } from "hono";
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
