// POST /v1/rank: the hot path. One snapshot lookup (memory), at most one feature-store read with a timeout,
// pure decisioning, the surface's experiment arm from memory, and nothing written inline (the decision log
// leaves through the queue after the answer).
import { Hono } from "hono";
import { rankResponseJson } from "../../shared/api/rank-json";
import { RankRequest } from "../../shared/api/schemas";
import { UnknownSurfaceError } from "../../shared/decision/decide";
import { getBanditSnapshot } from "../data/posteriors";
import { getSnapshot } from "../data/snapshot";
import { decideSurface, readProfile } from "../decision/surface";
import { completeJsonResponse } from "../http/complete";
import { ApiError } from "../http/errors";
import { hostnameOf, readJson, type AppEnv } from "../http/middleware";

export const rank = new Hono<AppEnv>();

rank.post("/", async (c) => {
  const req = await readJson(c, RankRequest);
  const snapshot = await getSnapshot(c.env, c.executionCtx).catch(() => {
    throw new ApiError(503, "catalog_unavailable", "the catalog could not be loaded; try again shortly");
  });
  // Reject an unknown surface before spending the request's one feature-store read on it.
  const surfaces = snapshot.index.config.surfaces.map((s) => s.id);
  if (!surfaces.includes(req.surface_id)) {
    throw new ApiError(400, "unknown_surface", new UnknownSurfaceError(req.surface_id, surfaces).message, [{ field: "surface_id", message: `known surfaces: ${surfaces.join(", ")}` }]);
  }
  const read = await readProfile(c.env, req.user_ctx.anon_id, req.user_ctx.consent, c.get("requestId"), c.executionCtx);
  const experiments = await getBanditSnapshot(c.env, c.executionCtx).catch(() => null);
  const body = decideSurface(c.env, c.executionCtx, snapshot, experiments, req, read, {
    requestId: c.get("requestId"),
    userAgent: c.req.header("user-agent") ?? null,
    ownHost: hostnameOf(c.req.url),
  });
  // A Response built here with all its headers in one go: c.json would copy them through two Headers objects and
  // the middleware would add its own one call at a time, and every runtime object a request leaves behind is work
  // for the garbage collector's sweeps (bench/README.md).
  return completeJsonResponse(c, rankResponseJson(body), { "cache-control": "private, no-store" });
});
