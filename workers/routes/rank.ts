// POST /v1/rank: the hot path. One snapshot lookup (memory), at most one feature-store read with a timeout,
// pure decisioning, and nothing written inline.
import { Hono } from "hono";
import { RankRequest } from "../../shared/api/schemas";
import { decideRank, UnknownSurfaceError, type ProfileStatus } from "../../shared/decision/decide";
import { withTimeout } from "../../shared/profile/feature-store";
import type { ProfileView } from "../../shared/profile/profile";
import { mathRandom } from "../../shared/bandit/random";
import { defaultThompsonPolicy } from "../../shared/bandit/thompson";
import type { DecisionMessage } from "../../shared/api/messages";
import type { RankResponse } from "../../shared/api/schemas";
import { assignBanditArm, banditSegmentKey } from "../../shared/experiments/assign";
import { assignFixed, inGlobalHoldout } from "../../shared/experiments/bucketing";
import { getBanditSnapshot } from "../data/posteriors";
import { getSnapshot } from "../data/snapshot";
import { logDecision } from "../queue/decision-log";
import { ApiError } from "../http/errors";
import { readJson, type AppEnv } from "../http/middleware";
import { featureStore } from "../services";

export const rank = new Hono<AppEnv>();

/** A visitor's customer cluster and lifecycle stage, which experiments can also target. */
function segmentMemberships(segment: RankResponse["segment"]): string[] {
  if (!segment) return [];
  const f = segment.features;
  return f.customer_segment ? [f.customer_segment, f.lifecycle] : [f.lifecycle];
}

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
  const body: RankResponse = decideRank(snapshot, req, profile, {
    now: Date.now(),
    requestId: c.get("requestId"),
    policyVersion: c.env.POLICY_VERSION,
    userAgent: c.req.header("user-agent") ?? null,
    profileStatus,
    ownHost: new URL(c.req.url).hostname,
  });

  // Experiments on this surface choose the creative from the isolate's experiment snapshot (memory only): a
  // bandit by Thompson sampling, else the fixed-allocation experiment (if any) the visitor's hash lands in.
  // Visitors in the global holdout see no experiment at all.
  const experiments = await getBanditSnapshot(c.env, c.executionCtx).catch(() => null);
  const anonId = req.user_ctx.anon_id;
  const globalHoldout = Number(c.env.GLOBAL_HOLDOUT || "0");
  const heldOutGlobally = globalHoldout > 0 && inGlobalHoldout(anonId, globalHoldout);
  const running = heldOutGlobally ? undefined : experiments?.bySurface.get(body.surface);
  let banditSegment: string | null = null;
  let arm: string | null = null;
  let propensity = 1;
  if (running) {
    banditSegment = banditSegmentKey(running.experiment, body.segment?.id ?? null);
    const choice = assignBanditArm(running.experiment, running.segment(banditSegment), anonId, mathRandom, defaultThompsonPolicy);
    arm = choice.variant.id;
    propensity = Math.round(choice.propensity * 1_000_000) / 1_000_000;
    body.experiment = { id: running.experiment.id, variant: arm, holdout: choice.holdout, payload: choice.variant.payload };
    for (const item of body.items) item.propensity = propensity;
    if (choice.holdout) banditSegment = null;
  } else if (!heldOutGlobally) {
    const memberships = segmentMemberships(body.segment);
    for (const e of experiments?.fixedBySurface.get(body.surface) ?? []) {
      if (!e.bucket_map) continue;
      const a = assignFixed({
        experiment: { id: e.id, holdout: e.holdout, layer: e.layer, bucketMap: e.bucket_map, eligibleSegments: e.eligible_segments, ...(e.layer_range ? { layerShare: e.layer_range } : {}) },
        unitId: anonId,
        segmentId: body.segment?.id ?? null,
        alsoIn: memberships,
        globalHoldout: 0,
      });
      if (a.status !== "assigned" && a.status !== "holdout") continue;
      const variant = e.variants.find((v) => v.id === a.variant) ?? e.variants[0]!;
      arm = variant.id;
      propensity = Math.round(a.propensity * 1_000_000) / 1_000_000;
      body.experiment = { id: e.id, variant: arm, holdout: a.status === "holdout", payload: variant.payload };
      for (const item of body.items) item.propensity = propensity;
      break;
    }
  }

  const decision: DecisionMessage = {
    kind: "decision",
    request_id: body.request_id,
    anon_id: body.personalized ? req.user_ctx.anon_id : null,
    surface_id: body.surface,
    segment_id: body.segment?.id ?? null,
    experiment_id: body.experiment?.id ?? null,
    bandit_segment: banditSegment,
    arm,
    propensity,
    holdout: body.experiment?.holdout ?? false,
    items: body.items.map((i) => i.content_id),
    policy_version: body.policy_version,
    decided_at: new Date().toISOString(),
    top_score: body.items[0]?.score ?? null,
  };
  // The log leaves through the queue after the answer (batched per isolate window, retried with backoff):
  // only a queue down for seconds costs log rows (reported), never the answer.
  logDecision(c.env.EVENTS_QUEUE, c.executionCtx, decision);
  c.header("cache-control", "private, no-store");
  return c.json(body);
});
