// GET /v1/segments/:user_id: the visitor's current persona and micro-segment, read from the feature store.
import { Hono } from "hono";
import { z } from "zod";
import { viewVisitor } from "../../shared/decision/decide";
import { getSnapshot } from "../data/snapshot";
import { ApiError, invalidRequest } from "../http/errors";
import type { AppEnv } from "../http/middleware";
import { featureStore } from "../services";

export const segments = new Hono<AppEnv>();

const UserId = z.string().regex(/^[A-Za-z0-9_.:@-]{1,128}$/, "1-128 chars of letters, digits, _ . : @ -");

segments.get("/:user_id", async (c) => {
  const parsed = UserId.safeParse(c.req.param("user_id"));
  if (!parsed.success) throw invalidRequest(parsed.error, "user id");
  const userId = parsed.data;
  let profile;
  try {
    profile = await featureStore(c.env).getProfile(userId);
  } catch {
    throw new ApiError(503, "feature_store_unavailable", "the feature store did not answer; try again shortly");
  }
  if (!profile) throw new ApiError(404, "not_found", `no profile for ${userId}`);
  const snapshot = await getSnapshot(c.env, c.executionCtx);
  const view = viewVisitor(snapshot, { anonId: userId, device: profile.device ?? "desktop", referrer: undefined, utm: undefined, pageType: null, stated: undefined }, profile, Date.now());
  return c.json({
    user_id: userId,
    segments: [{ ...view.segment, assigned_at: new Date(profile.last_seen).toISOString() }],
  });
});
