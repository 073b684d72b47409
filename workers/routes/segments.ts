// GET /v1/segments/:user_id: the visitor's current persona and micro-segment (from the feature store) and
// their nightly customer segment (RFM and behavioural cluster, from D1).
import { Hono } from "hono";
import { viewVisitor } from "../../shared/decision/decide";
import { getSnapshot } from "../data/snapshot";
import { UserId } from "../../shared/api/schemas";
import { ApiError, invalidRequest } from "../http/errors";
import type { AppEnv } from "../http/middleware";
import { featureStore } from "../services";
import { hashVisitorId } from "../../shared/privacy";

export const segments = new Hono<AppEnv>();


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
  // The nightly customer segment (RFM and behavioural cluster), keyed by the visitor's salted hash.
  const customer = await c.env.DB.prepare(
    `SELECT cs.segment_id, cs.rfm_segment, cs.model_version, cs.assigned_at, mv.params FROM customer_segments cs LEFT JOIN model_versions mv ON mv.id = cs.model_version WHERE cs.visitor_hash = ?`,
  )
    .bind(await hashVisitorId(c.env.VISITOR_ID_SALT, userId))
    .first<{ segment_id: string; rfm_segment: string | null; model_version: string; assigned_at: string; params: string | null }>();
  if (!profile && !customer) throw new ApiError(404, "not_found", `no profile or segment for ${userId}`);
  const out: Record<string, unknown>[] = [];
  if (profile) {
    const snapshot = await getSnapshot(c.env, c.executionCtx);
    const view = viewVisitor(snapshot, { anonId: userId, device: profile.device ?? "desktop", referrer: undefined, utm: undefined, pageType: null, stated: undefined }, profile, Date.now());
    out.push({ ...view.segment, assigned_at: new Date(profile.last_seen).toISOString() });
  }
  if (customer) {
    const segments = (customer.params ? (JSON.parse(customer.params) as { segments?: { id: string; label: string; size: number }[] }).segments : undefined) ?? [];
    const found = segments.find((s) => `cust_${s.id}` === customer.segment_id);
    out.push({ id: customer.segment_id, kind: "customer", name: found?.label ?? customer.segment_id, size: found?.size ?? null, rfm_segment: customer.rfm_segment, model_version: customer.model_version, assigned_at: customer.assigned_at });
  }
  return c.json({ user_id: userId, segments: out });
});
