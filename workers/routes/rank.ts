// POST /v1/rank: the hot path. One snapshot lookup (memory), at most one feature-store read with a timeout,
// pure decisioning, and nothing written inline.
import { Hono } from "hono";
import { RankRequest } from "../../shared/api/schemas";
import { decideRank, UnknownSurfaceError, type ProfileStatus } from "../../shared/decision/decide";
import { withTimeout } from "../../shared/profile/feature-store";
import type { ProfileView } from "../../shared/profile/profile";
import { getSnapshot } from "../data/snapshot";
import { ApiError } from "../http/errors";
import { readJson, type AppEnv } from "../http/middleware";
import { featureStore } from "../services";

export const rank = new Hono<AppEnv>();

rank.post("/", async (c) => {
  const req = await readJson(c, RankRequest);
  const snapshot = await getSnapshot(c.env, c.executionCtx).catch(() => {
    throw new ApiError(503, "catalog_unavailable", "the catalog could not be loaded; try again shortly");
  });
  // Reject an unknown surface before spending the request's one feature-store read on it.
  if (!snapshot.index.config.surfaces.some((s) => s.id === req.surface_id)) throw unknownSurface(new UnknownSurfaceError(req.surface_id, snapshot.index.config.surfaces.map((s) => s.id)));

  let profile: ProfileView | null = null;
  let profileStatus: ProfileStatus = "not_used";
  if (req.user_ctx.consent.includes("personalization")) {
    // A slow or failing store degrades to cold-start ranking; it never fails the request.
    try {
      profile = await withTimeout(featureStore(c.env).getProfile(req.user_ctx.anon_id), Number(c.env.FEATURE_STORE_TIMEOUT_MS || "25"));
      profileStatus = profile ? "ok" : "new_visitor";
    } catch (err) {
      profileStatus = "unavailable";
      console.warn(JSON.stringify({ level: "warn", request_id: c.get("requestId"), feature_store: err instanceof Error ? err.message : String(err) }));
    }
  }
  try {
    const body = decideRank(snapshot, req, profile, {
      now: Date.now(),
      requestId: c.get("requestId"),
      policyVersion: c.env.POLICY_VERSION,
      userAgent: c.req.header("user-agent") ?? null,
      profileStatus,
      ownHost: new URL(c.req.url).hostname,
    });
    c.header("cache-control", "private, no-store");
    return c.json(body);
  } catch (err) {
    throw err instanceof UnknownSurfaceError ? unknownSurface(err) : err;
  }
});

function unknownSurface(err: UnknownSurfaceError): ApiError {
  return new ApiError(400, "unknown_surface", err.message, [{ field: "surface_id", message: `known surfaces: ${err.known.join(", ")}` }]);
}
