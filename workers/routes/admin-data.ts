// /v1/admin read models for the operator dashboard: persona mix, the decision log, an experiment's time series,
// the campaign list and this isolate's route latencies. Read-only; every query string is validated by zod.
import { Hono } from "hono";
import * as z from "zod";
import { defaultConfig } from "../../shared/config/default";
import { BUCKET_PREFIX, REWARD_TYPES, browseDecisions, experimentTimeseries, listCampaigns, personaMix, type Bucket, type RewardCounts, type TimeseriesCell } from "../data/dashboard";
import { getExperiment } from "../data/experiments";
import { ApiError, invalidRequest } from "../http/errors";
import { latencySnapshot } from "../http/latency";
import { readQuery, type AppEnv } from "../http/middleware";

export const adminDataRouter = new Hono<AppEnv>();

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** segment_assignments are kept 90 days (FEATURES_RETENTION_DAYS); a longer window would promise data that is gone. */
const MAX_PERSONA_HOURS = 90 * 24;
const TOP_SEGMENTS = 20;
/** Bounds the buckets one call fills: 31 days of hours, or 400 days (the decisions retention) of days. */
const MAX_SPAN_MS: Record<Bucket, number> = { hour: 31 * DAY_MS, day: 400 * DAY_MS };
const DEFAULT_SPAN_MS: Record<Bucket, number> = { hour: 48 * HOUR_MS, day: 30 * DAY_MS };

/** The same shape experiments.ts accepts for an id (kept here because that module does not export it). */
const ExperimentId = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, "an experiment id");
/** Ids and names in filters: printable, bounded; they are bound as SQL parameters, never spliced. */
const FilterText = z.string().trim().min(1).max(128);
/** Any ISO 8601 instant with an offset, normalised to the stored form (toISOString) so string order is time order. */
const Instant = z.iso.datetime({ offset: true, message: "must be an ISO 8601 timestamp such as 2026-11-21T14:30:00Z" }).transform((s) => new Date(s).toISOString());

const share = (n: number, total: number) => (total > 0 ? Math.round((n / total) * 1e6) / 1e6 : 0);
const rate = (n: number, total: number) => (total > 0 ? Math.round((n / total) * 1e6) / 1e6 : null);

// ---------------------------------------------------------------------------------------------- GET /personas

const PersonasQuery = z.strictObject({ hours: z.coerce.number().int().min(1).max(MAX_PERSONA_HOURS).default(24) });

/**
 * From segment_assignments, not decisions: it is the only table that stores the persona (decisions keep the
 * micro-segment), and it has one row per visitor, so the mix counts people rather than page views.
 */
adminDataRouter.get("/personas", async (c) => {
  const { hours } = readQuery(c, PersonasQuery);
  const since = new Date(Date.now() - hours * HOUR_MS).toISOString();
  const mix = await personaMix(c.env.DB, since, TOP_SEGMENTS);
  const counts = new Map(mix.personas.map((p) => [p.persona, p.count]));
  // Every configured persona appears (zero when idle), so bars keep their place from one refresh to the next.
  for (const id of [...defaultConfig.persona.personas.map((p) => p.id), defaultConfig.persona.fallback_persona]) if (!counts.has(id)) counts.set(id, 0);
  const total = mix.personas.reduce((s, p) => s + p.count, 0);
  const personas = [...counts]
    .map(([persona, count]) => ({ persona, count, share: share(count, total) }))
    .sort((a, b) => b.count - a.count || (a.persona < b.persona ? -1 : 1));
  return c.json({
    window_hours: hours,
    since,
    source: "segment_assignments",
    total,
    personas,
    segments: mix.segments.map((s) => ({ segment_id: s.segment_id, count: s.count, share: share(s.count, total) })),
  });
});

// ---------------------------------------------------------------------------------------------- GET /decisions

const DecisionsQuery = z.strictObject({
  surface: FilterText.optional(),
  segment: FilterText.optional(),
  experiment: FilterText.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: Instant.optional(),
  before_id: FilterText.optional(),
});

adminDataRouter.get("/decisions", async (c) => {
  const q = readQuery(c, DecisionsQuery);
  if (q.before_id !== undefined && q.before === undefined) {
    throw new ApiError(400, "invalid_request", "before_id: only with before", [{ field: "before_id", message: "pass before (and before_id) from the previous page's next_before" }]);
  }
  const { rows, more } = await browseDecisions(c.env.DB, { surface: q.surface, segment: q.segment, experiment: q.experiment, before: q.before, beforeId: q.before_id, limit: q.limit });
  const last = rows[rows.length - 1];
  return c.json({
    decisions: rows,
    // Both halves of the cursor: decisions logged in the same millisecond are split by request id, not lost.
    next_before: more && last ? last.decided_at : null,
    next_before_id: more && last ? last.request_id : null,
  });
});

// ---------------------------------------------------------------------------------------------- GET /experiments/:id/timeseries

const TimeseriesQuery = z.strictObject({ bucket: z.enum(["hour", "day"]).default("hour"), since: Instant.optional() });

interface ArmPoint {
  arm: string;
  decisions: number;
  clicks: number;
  ctr: number | null;
  traffic_share: number | null;
  conversions: number;
  conversion_rate: number | null;
  rewards: RewardCounts;
}

const emptyRewards = (): RewardCounts => ({ impression: 0, click: 0, add_to_cart: 0, purchase: 0, dismiss: 0 });

adminDataRouter.get("/experiments/:id/timeseries", async (c) => {
  const id = ExperimentId.safeParse(c.req.param("id"));
  if (!id.success) throw invalidRequest(id.error, "experiment id");
  const q = readQuery(c, TimeseriesQuery);
  const step = q.bucket === "hour" ? HOUR_MS : DAY_MS;
  const now = Date.now();
  const requested = q.since !== undefined ? Date.parse(q.since) : now - DEFAULT_SPAN_MS[q.bucket];
  // Buckets are whole: a since inside an hour (or day) starts at that bucket's beginning.
  const start = Math.floor(requested / step) * step;
  if (now - start > MAX_SPAN_MS[q.bucket]) {
    const limit = q.bucket === "hour" ? "31 days for hourly buckets (use bucket=day)" : "400 days";
    throw new ApiError(400, "invalid_request", `since: at most ${limit} back`, [{ field: "since", message: `at most ${limit} back` }]);
  }
  const experiment = await getExperiment(c.env.DB, id.data);
  if (!experiment) throw new ApiError(404, "not_found", `no experiment ${id.data}`);

  const sinceIso = new Date(start).toISOString();
  const cells = await experimentTimeseries(c.env.DB, experiment.id, sinceIso, q.bucket, experiment.metric);
  const arms = experiment.variants.map((v) => v.id);
  for (const cell of cells) if (!cell.holdout && !arms.includes(cell.arm)) arms.push(cell.arm);

  const byKey = new Map<string, TimeseriesCell[]>();
  for (const cell of cells) {
    const list = byKey.get(cell.bucket) ?? [];
    list.push(cell);
    byKey.set(cell.bucket, list);
  }
  const prefix = BUCKET_PREFIX[q.bucket];
  const totals = new Map(arms.map((arm) => [arm, { decisions: 0, clicks: 0, conversions: 0 }]));
  const buckets = [];
  // Every bucket from since to now, empty ones included, so a chart's x axis is time and gaps read as zero traffic.
  for (let t = start; t <= now; t += step) {
    const key = new Date(t).toISOString().slice(0, prefix);
    const rows = byKey.get(key) ?? [];
    const live = rows.filter((r) => !r.holdout);
    const bucketDecisions = live.reduce((s, r) => s + r.decisions, 0);
    const points: ArmPoint[] = arms.map((arm) => {
      const r = live.find((x) => x.arm === arm);
      const decisions = r?.decisions ?? 0;
      const clicks = r?.clicks ?? 0;
      const conversions = r?.conversions ?? 0;
      const rewards = emptyRewards();
      if (r) for (const type of REWARD_TYPES) rewards[type] = r[type];
      const total = totals.get(arm)!;
      total.decisions += decisions;
      total.clicks += clicks;
      total.conversions += conversions;
      return { arm, decisions, clicks, ctr: rate(clicks, decisions), traffic_share: bucketDecisions > 0 ? share(decisions, bucketDecisions) : null, conversions, conversion_rate: rate(conversions, decisions), rewards };
    });
    const held = rows.filter((r) => r.holdout);
    const heldDecisions = held.reduce((s, r) => s + r.decisions, 0);
    const heldClicks = held.reduce((s, r) => s + r.clicks, 0);
    buckets.push({
      start: new Date(t).toISOString(),
      decisions: bucketDecisions,
      arms: points,
      holdout: { decisions: heldDecisions, clicks: heldClicks, ctr: rate(heldClicks, heldDecisions) },
    });
  }
  const allDecisions = [...totals.values()].reduce((s, t) => s + t.decisions, 0);
  return c.json({
    experiment_id: experiment.id,
    allocation: experiment.allocation,
    metric: experiment.metric,
    bucket: q.bucket,
    since: sinceIso,
    until: new Date(now).toISOString(),
    arms,
    buckets,
    totals: arms.map((arm) => {
      const t = totals.get(arm)!;
      return { arm, decisions: t.decisions, clicks: t.clicks, ctr: rate(t.clicks, t.decisions), traffic_share: share(t.decisions, allDecisions), conversions: t.conversions, conversion_rate: rate(t.conversions, t.decisions) };
    }),
    notes: [
      "decisions are pulls (holdout decisions are counted apart); clicks and conversions are decisions with at least one accepted click or metric reward; ctr = clicks / decisions.",
      "Feedback is counted in the bucket of the decision it rewards, so recent buckets rise as late feedback arrives.",
    ],
  });
});

// ---------------------------------------------------------------------------------------------- GET /campaigns

const CampaignsQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) });

adminDataRouter.get("/campaigns", async (c) => {
  const { limit } = readQuery(c, CampaignsQuery);
  return c.json({ campaigns: await listCampaigns(c.env.DB, limit) });
});

// ---------------------------------------------------------------------------------------------- GET /latency

adminDataRouter.get("/latency", (c) => c.json(latencySnapshot()));
