// One surface decision, in the pieces that /v1/rank and page personalization at the CDN share: the profile
// read (one per request, with a timeout and a cold-start fallback), the experiment arm for the surface
// (Thompson sampling for a bandit, hash buckets for a fixed experiment), the ranking, and the decision log.
import type { DecisionMessage } from "../../shared/api/messages";
import type { RankRequest, RankResponse, SegmentBody } from "../../shared/api/schemas";
import { mathRandom } from "../../shared/bandit/random";
import { defaultThompsonPolicy } from "../../shared/bandit/thompson";
import { decideRank, type ClassifiedVisitor, type ProfileStatus } from "../../shared/decision/decide";
import type { DecisionSnapshot } from "../../shared/decision/snapshot";
import { assignBanditArm, banditSegmentKey, chooseFixedArm } from "../../shared/experiments/assign";
import { inGlobalHoldout } from "../../shared/experiments/bucketing";
import type { ProfileView } from "../../shared/profile/profile";
import type { BanditSnapshot } from "../data/posteriors";
import { logDecision } from "../queue/decision-log";
import { optOutGuard, withoutPersonalConsent } from "../privacy/opt-out";
import { featureStore } from "../services";

export interface ProfileRead {
  profile: ProfileView | null;
  status: ProfileStatus;
  /** The visitor opted out (or that could not be checked): decided as if they had given no consent. */
  optedOut?: boolean;
}

/** The visitor's profile when consent allows; a slow or failing store degrades to cold start, never fails. */
export async function readProfile(env: Env, anonId: string, consent: readonly string[], requestId: string, ctx?: Pick<ExecutionContext, "waitUntil">): Promise<ProfileRead> {
  if (!consent.includes("personalization")) return { profile: null, status: "not_used" };
  // Opt-outs come from an isolate-cached set (workers/privacy/opt-out.ts): no D1 query here, and an opted-out
  // visitor's profile is neither read nor written.
  if ((await optOutGuard(env, undefined, anonId, consent)).optedOut) return { profile: null, status: "not_used", optedOut: true };
  const store = featureStore(env);
  // Given ctx, a copy a little past its TTL answers now and is revalidated after the answer (profile-cache.ts).
  const cached = store.peek(anonId, ctx);
  if (cached !== undefined) return { profile: cached, status: cached ? "ok" : "new_visitor" };
  try {
    // The read's deadline (FEATURE_STORE_TIMEOUT_MS) is the circuit breaker's, inside the store: one timer, not two.
    const profile = await store.load(anonId);
    return { profile, status: profile ? "ok" : "new_visitor" };
  } catch (err) {
    // The copy this isolate read last, if it is recent enough, beats cold start; a known-empty one changes nothing.
    const stale = store.stale(anonId);
    console.warn(JSON.stringify({ level: "warn", request_id: requestId, feature_store: err instanceof Error ? err.message : String(err), served_stale: !!stale }));
    return stale ? { profile: stale, status: "stale" } : { profile: null, status: "unavailable" };
  }
}

export interface ArmChoice {
  experimentId: string;
  variant: string;
  propensity: number;
  holdout: boolean;
  payload: Record<string, unknown> | undefined;
  /** The posterior segment a bandit reward updates (null for fixed experiments and holdouts). */
  banditSegment: string | null;
}

/**
 * The creative for a surface from the isolate's experiment snapshot (memory only): a bandit by Thompson
 * sampling, else the fixed-allocation experiment (if any) the visitor's hash lands in. Null when no experiment
 * runs there, or the visitor is in the global holdout.
 */
export function chooseArm(experiments: BanditSnapshot | null, surfaceId: string, anonId: string, segment: SegmentBody | null, globalHoldout: number): ArmChoice | null {
  if (!experiments) return null;
  if (globalHoldout > 0 && inGlobalHoldout(anonId, globalHoldout)) return null;
  const running = experiments.bySurface.get(surfaceId);
  if (running) {
    const banditSegment = banditSegmentKey(running.experiment, segment);
    const choice = assignBanditArm(running.experiment, running.segment(banditSegment), anonId, mathRandom, defaultThompsonPolicy);
    return {
      experimentId: running.experiment.id,
      variant: choice.variant.id,
      propensity: Math.round(choice.propensity * 1_000_000) / 1_000_000,
      holdout: choice.holdout,
      payload: choice.variant.payload,
      banditSegment: choice.holdout ? null : banditSegment,
    };
  }
  const fixed = chooseFixedArm(experiments.fixedBySurface.get(surfaceId) ?? [], anonId, segment);
  return fixed ? { ...fixed, banditSegment: null } : null;
}

/** Puts the arm into the answer: every served item carries the arm's propensity. */
export function applyArm(body: RankResponse, choice: ArmChoice | null): void {
  if (!choice) return;
  body.experiment = { id: choice.experimentId, variant: choice.variant, holdout: choice.holdout, payload: choice.payload };
  for (const item of body.items) item.propensity = choice.propensity;
}

/** What a decision log row records about the answer (a cached page's slots are logged from this too). */
export interface ServedDecision {
  requestId: string;
  surface: string;
  personalized: boolean;
  segmentId: string | null;
  items: string[];
  policyVersion: string;
  topScore: number | null;
}

export function servedDecision(body: RankResponse): ServedDecision {
  return {
    requestId: body.request_id,
    surface: body.surface,
    personalized: body.personalized,
    segmentId: body.segment?.id ?? null,
    items: body.items.map((i) => i.content_id),
    policyVersion: body.policy_version,
    topScore: body.items[0]?.score ?? null,
  };
}

/** Logs the decision through the queue after the answer (batched per isolate window; never delays it). */
export function logSurfaceDecision(env: Env, ctx: Pick<ExecutionContext, "waitUntil">, served: ServedDecision, anonId: string, choice: ArmChoice | null): void {
  const decision: DecisionMessage = {
    kind: "decision",
    request_id: served.requestId,
    anon_id: served.personalized ? anonId : null,
    surface_id: served.surface,
    segment_id: served.segmentId,
    experiment_id: choice?.experimentId ?? null,
    bandit_segment: choice?.banditSegment ?? null,
    arm: choice?.variant ?? null,
    propensity: choice?.propensity ?? 1,
    holdout: choice?.holdout ?? false,
    items: served.items,
    policy_version: served.policyVersion,
    decided_at: new Date().toISOString(),
    top_score: served.topScore,
  };
  logDecision(env.EVENTS_QUEUE, ctx, decision);
}

export interface SurfaceDecisionOptions {
  requestId: string;
  userAgent: string | null;
  ownHost: string;
  /** A choice made earlier for this surface (the page path draws arms first, for its cache key). */
  choice?: ArmChoice | null;
  /** Each item's reason in the answer (default true; a server-rendered slot shows none). */
  reasons?: boolean;
  /** The visitor classified once for several surfaces (a page's slots): DecideOptions' `visitor`. */
  visitor?: ClassifiedVisitor | undefined;
}

/** Ranks one surface for a validated request and a profile already read, with its arm; logs the decision. */
export function decideSurface(
  env: Env,
  ctx: Pick<ExecutionContext, "waitUntil">,
  snapshot: DecisionSnapshot,
  experiments: BanditSnapshot | null,
  req: RankRequest,
  read: ProfileRead,
  opts: SurfaceDecisionOptions,
): RankResponse {
  // An opted-out visitor is decided as one without consent: popularity, no segment, no identity in the log.
  if (read.optedOut) req = { ...req, user_ctx: { ...req.user_ctx, consent: withoutPersonalConsent(req.user_ctx.consent) } };
  const body = decideRank(snapshot, req, read.profile, { now: Date.now(), requestId: opts.requestId, policyVersion: env.POLICY_VERSION, userAgent: opts.userAgent, profileStatus: read.status, ownHost: opts.ownHost, reasons: opts.reasons, visitor: opts.visitor });
  const choice = opts.choice !== undefined ? opts.choice : chooseArm(experiments, body.surface, req.user_ctx.anon_id, body.segment, Number(env.GLOBAL_HOLDOUT || "0"));
  applyArm(body, choice);
  logSurfaceDecision(env, ctx, servedDecision(body), req.user_ctx.anon_id, choice);
  return body;
}
