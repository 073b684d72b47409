// Same-run peers for the micro-benchmarks: one fixed A/B experiment with targeting, assigned for the same
// visitors by our rank path and by the GrowthBook JavaScript SDK, after checking both do the same work.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Attributes, ConditionInterface, Experiment as GrowthBookExperiment } from "@growthbook/growthbook";
import { buildSync } from "esbuild";
import type { SegmentBody } from "../shared/api/schemas";
import { createRng } from "../shared/catalog/prng";
import { defaultConfig } from "../shared/config/default";
import { chooseFixedArm, fixedAssignmentInput, type FixedArmChoice } from "../shared/experiments/assign";
import { assignFixed, inGlobalHoldout, initialBucketMap } from "../shared/experiments/bucketing";
import type { Experiment } from "../shared/experiments/schema";

/** What bench/micro.ts times: one call of `op` is one visitor's assignment. */
export interface PeerBenchmark {
  id: string;
  name: string;
  op: () => unknown;
  note?: string;
  /** How the peer is used, for the comparison line ("GrowthBookClient singleton", ...). */
  mode?: string;
}

/** Who each side let in and how it split them, over the whole visitor pool. */
export interface AssignmentEquivalence {
  visitors: number;
  /** Visitors both sides found eligible (they must agree on every visitor, not just the count). */
  eligible: number;
  /** Eligible visitors in the experiment proper (in the layer slice, not held out), per side. */
  inExperiment: { aura: number; growthbook: number };
  /** Share of those who got the treatment, per side. */
  treatmentShare: { aura: number; growthbook: number };
  summary: string;
}

export interface AssignmentPeers {
  aura: PeerBenchmark;
  /** GrowthBook's ways of being called per request; the comparison is against the fastest. */
  growthbook: PeerBenchmark[];
  growthbookVersion: string;
  equivalence: AssignmentEquivalence;
}

/** A power of two so the per-call index is a mask; large enough that no per-visitor cache could help either side. */
const POOL = 4096;
const SURFACE = "homepage.hero";
const EXPERIMENT_ID = "hero_cta";
const LAYER = "hero";
/** The experiment takes half its layer; the other half is free for a mutually exclusive experiment. */
const LAYER_RANGE: [number, number] = [0, 0.5];
const HOLDOUT = 0.1;

// The targeting: mobile visitors who are ready to buy or comparing, whatever their lifecycle, plus two
// customer lifecycle stages and one nightly cluster on any device. Ours is a list of segments (the API's only
// form, matched against the micro-segment id, the customer cluster and the lifecycle stage); GrowthBook's is
// the attribute condition its users would write for the same people.
const TARGET_INTENTS = ["buy", "compare"];
const TARGET_STAGES = ["at_risk", "cant_lose"];
const TARGET_CLUSTER = "cust_3";
// Every lifecycle token a segment id can carry: the recency classes and the RFM stages the config labels.
const RECENCY = Object.keys(defaultConfig.persona.labels.recency);
const RFM_STAGES = Object.keys(defaultConfig.persona.labels.lifecycle);
const LIFECYCLES = [...new Set([...RECENCY, ...RFM_STAGES])];
const ELIGIBLE_SEGMENTS = [...TARGET_INTENTS.flatMap((intent) => LIFECYCLES.map((stage) => `seg_${intent}_mobile_${stage}`)), ...TARGET_STAGES, TARGET_CLUSTER];
const GROWTHBOOK_CONDITION: ConditionInterface = {
  $or: [{ device: "mobile", intent: { $in: TARGET_INTENTS } }, { lifecycle: { $in: TARGET_STAGES } }, { customer_segment: TARGET_CLUSTER }],
};

/** One visitor as each side receives it: our rank path the classified segment, GrowthBook its attributes. */
interface Visitor {
  anonId: string;
  segment: SegmentBody;
  attributes: Attributes;
}

/**
 * The pool: anon ids shaped like the SDK's (`anon_` + 24 hex digits) and segments in a plausible mix, 70% of
 * visitors unscored (lifecycle = recency class) and 30% customers with an RFM stage and a cluster.
 */
function visitorPool(): Visitor[] {
  const rng = createRng(2024);
  const hex = () => rng.int(0, 0xffffff).toString(16).padStart(6, "0");
  return Array.from({ length: POOL }, () => {
    const anonId = `anon_${hex()}${hex()}${hex()}${hex()}`;
    const intent = rng.pick(["learn", "buy", "compare", "browse"]);
    const device = rng.chance(0.6) ? "mobile" : rng.pick(["desktop", "tablet"]);
    const customer = rng.chance(0.3);
    const recency = rng.pick(RECENCY);
    const lifecycle = customer ? rng.pick(RFM_STAGES) : recency;
    const cluster = customer ? `cust_${rng.int(0, 7)}` : null;
    const segment: SegmentBody = {
      id: `seg_${intent}_${device}_${lifecycle}`,
      name: `${intent} ${device} (${lifecycle})`,
      persona: "photo_first",
      confidence: 0.8,
      intent,
      cold_start: false,
      fallback: false,
      holdout: false,
      decided_by: [],
      features: { intent, device_class: device, recency, price_sensitivity: "medium", lifecycle, customer_segment: cluster },
    };
    // Built once per visitor, outside the timed call: the mapping from our segment to GrowthBook attributes is
    // work a Worker using GrowthBook would do per request, and leaving it out only flatters GrowthBook.
    const attributes: Attributes = { id: anonId, device, intent, lifecycle, customer_segment: cluster };
    return { anonId, segment, attributes };
  });
}

function heroExperiment(): Experiment {
  const variants = [
    { id: "control", weight: 0.5, payload: { cta: "Shop the collection" } },
    { id: "urgency", weight: 0.5, payload: { cta: "Only this week" } },
  ];
  return {
    id: EXPERIMENT_ID,
    surface_id: SURFACE,
    variants,
    allocation: "fixed",
    holdout: HOLDOUT,
    layer: LAYER,
    metric: "click",
    guardrails: [],
    segmented: false,
    segment_by: "micro_segment",
    status: "running",
    shards: 4,
    retired_arms: [],
    bucket_map: initialBucketMap(variants),
    eligible_segments: ELIGIBLE_SEGMENTS,
    layer_range: LAYER_RANGE,
    created_at: "2026-01-01T00:00:00.000Z",
    updated_at: "2026-01-01T00:00:00.000Z",
  };
}

/** The same experiment in GrowthBook's terms: a layer slice is a hash filter, a holdout is uncovered traffic. */
function growthbookExperiment(): GrowthBookExperiment<string> {
  return {
    key: EXPERIMENT_ID,
    variations: ["control", "urgency"],
    weights: [0.5, 0.5],
    // Visitors outside coverage get control and are not in the experiment: what our holdout does.
    coverage: 1 - HOLDOUT,
    hashAttribute: "id",
    seed: EXPERIMENT_ID,
    hashVersion: 2,
    // Filters are how current GrowthBook payloads express namespaces (mutually exclusive experiments).
    filters: [{ seed: `layer:${LAYER}`, attribute: "id", hashVersion: 2, ranges: [LAYER_RANGE] }],
    condition: GROWTHBOOK_CONDITION,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Our side: the rank path's assignment (chooseArm in workers/decision/surface.ts): the global holdout, no bandit
// on the surface, then chooseFixedArm from shared/experiments/assign.ts, the function the Worker calls.

/** The isolate's experiment snapshot, as far as a fixed experiment's surface needs it. */
interface ExperimentSnapshot {
  bySurface: Map<string, unknown>;
  fixedBySurface: Map<string, Experiment[]>;
}

function chooseOurArm(experiments: ExperimentSnapshot, surfaceId: string, anonId: string, segment: SegmentBody | null, globalHoldout: number): FixedArmChoice | null {
  if (globalHoldout > 0 && inGlobalHoldout(anonId, globalHoldout)) return null;
  // The rank path looks for a bandit on the surface first; a bandit's Thompson draw is timed in its own row.
  if (experiments.bySurface.get(surfaceId)) return null;
  return chooseFixedArm(experiments.fixedBySurface.get(surfaceId) ?? [], anonId, segment);
}

// ---------------------------------------------------------------------------------------------------------
// GrowthBook's side

type GrowthBookModule = typeof import("@growthbook/growthbook");

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * The SDK as `wrangler deploy` would ship it: bundled by esbuild with process.env.NODE_ENV defined as
 * "production" (and wrangler's target and conditions). Imported as published, Node would read process.env on
 * each of the SDK's debug-log branches, a cost no deployed Worker pays.
 */
function loadGrowthBookAsDeployed(): GrowthBookModule {
  const built = buildSync({
    stdin: { contents: `export * from "@growthbook/growthbook";`, resolveDir: ROOT, loader: "js" },
    bundle: true,
    format: "cjs",
    platform: "browser",
    target: "es2024",
    conditions: ["workerd", "worker", "browser"],
    define: { "process.env.NODE_ENV": '"production"' },
    write: false,
    logLevel: "silent",
  });
  const dir = mkdtempSync(join(tmpdir(), "aura-bench-growthbook-"));
  try {
    const file = join(dir, "growthbook.cjs");
    writeFileSync(file, built.outputFiles[0]!.text);
    return createRequire(import.meta.url)(file) as GrowthBookModule;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function growthbookVersion(): string {
  const pkg = createRequire(import.meta.url)("@growthbook/growthbook/package.json") as { version: string };
  return pkg.version;
}

// ---------------------------------------------------------------------------------------------------------
// Equivalence

/** |share − expected| within three standard errors of a binomial proportion over n. */
function withinThreeSe(hits: number, n: number, expected: number): boolean {
  return n > 0 && Math.abs(hits / n - expected) <= 3 * Math.sqrt((expected * (1 - expected)) / n);
}

/**
 * Throws unless both sides let in exactly the same visitors, put about the same share of them in the experiment
 * (layer slice × coverage), and split those about 50/50; the hashes differ (murmur3 vs FNV-1a), so which
 * visitor gets which variant may not match, but the work and the distribution must.
 */
function checkEquivalence(gbm: GrowthBookModule, visitors: readonly Visitor[], experiment: Experiment, gbExperiment: GrowthBookExperiment<string>): AssignmentEquivalence {
  const client = new gbm.GrowthBookClient({ enabled: true });
  const problems: string[] = [];
  let eligible = 0;
  const inExperiment = { aura: 0, growthbook: 0 };
  const treatment = { aura: 0, growthbook: 0 };
  for (const v of visitors) {
    const ours = assignFixed(fixedAssignmentInput(experiment, experiment.bucket_map!, v.anonId, v.segment));
    const oursEligible = ours.status !== "ineligible";
    const theirsEligible = gbm.evalCondition(v.attributes, GROWTHBOOK_CONDITION);
    const theirs = client.runInlineExperiment(gbExperiment, { attributes: v.attributes });
    if (oursEligible !== theirsEligible && problems.length < 3) problems.push(`${v.anonId} (${v.segment.id}, ${v.segment.features.customer_segment ?? "no cluster"}): eligible for aura ${oursEligible}, for GrowthBook ${theirsEligible}`);
    if (theirs.inExperiment && !theirsEligible && problems.length < 3) problems.push(`GrowthBook put ${v.anonId} in the experiment against its own condition`);
    if (!oursEligible) continue;
    eligible++;
    if (ours.status === "assigned") {
      inExperiment.aura++;
      if (ours.variant === "urgency") treatment.aura++;
    }
    if (theirs.inExperiment) {
      inExperiment.growthbook++;
      if (theirs.value === "urgency") treatment.growthbook++;
    }
  }
  if (problems.length) throw new Error(`aura and GrowthBook disagree on who is eligible: ${problems.join("; ")}`);
  const expectedIn = (LAYER_RANGE[1] - LAYER_RANGE[0]) * (1 - HOLDOUT);
  for (const side of ["aura", "growthbook"] as const) {
    if (!withinThreeSe(inExperiment[side], eligible, expectedIn)) throw new Error(`${side} put ${inExperiment[side]} of ${eligible} eligible visitors in the experiment; expected ${expectedIn} ± 3 SE`);
    if (!withinThreeSe(treatment[side], inExperiment[side], 0.5)) throw new Error(`${side} gave the treatment to ${treatment[side]} of ${inExperiment[side]}; expected 50% ± 3 SE`);
  }
  const share = (side: "aura" | "growthbook") => treatment[side] / inExperiment[side];
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return {
    visitors: visitors.length,
    eligible,
    inExperiment,
    treatmentShare: { aura: share("aura"), growthbook: share("growthbook") },
    summary:
      `same ${eligible} of ${visitors.length} visitors eligible on both sides; in the experiment aura ${pct(inExperiment.aura / eligible)}, ` +
      `GrowthBook ${pct(inExperiment.growthbook / eligible)} (expected ${pct(expectedIn)}); treatment aura ${pct(share("aura"))}, GrowthBook ${pct(share("growthbook"))}`,
  };
}

// ---------------------------------------------------------------------------------------------------------

/**
 * The benchmarks, after the equivalence check (which throws rather than let different work be compared). Every
 * call takes the next visitor of the pool, the same sequence on every side.
 */
export function assignmentPeers(): AssignmentPeers {
  const gbm = loadGrowthBookAsDeployed();
  const visitors = visitorPool();
  const experiment = heroExperiment();
  const gbExperiment = growthbookExperiment();
  const equivalence = checkEquivalence(gbm, visitors, experiment, gbExperiment);
  const snapshot: ExperimentSnapshot = { bySurface: new Map(), fixedBySurface: new Map([[SURFACE, [experiment]]]) };
  const version = growthbookVersion();

  let a = 0;
  const aura: PeerBenchmark = {
    id: "assign_fixed_targeted",
    name: "A/B assignment with targeting, as /v1/rank: segments, layer, holdout, bucket, variant",
    op: () => {
      const v = visitors[a++ & (POOL - 1)]!;
      // GLOBAL_HOLDOUT is "0" in wrangler.toml, so the rank path skips that hash too.
      return chooseOurArm(snapshot, SURFACE, v.anonId, v.segment, 0);
    },
    note: equivalence.summary,
  };

  // (a) GrowthBook's documented "instance per request" pattern, cleaned up at the end of the request as its
  // README shows. No apiHost, no tracking callback, dev mode off: nothing but the evaluation.
  let b = 0;
  const perRequest: PeerBenchmark = {
    id: "growthbook_per_request",
    mode: "new instance per request",
    name: `GrowthBook ${version}, the same experiment: new GrowthBook per request, run, destroy`,
    op: () => {
      const v = visitors[b++ & (POOL - 1)]!;
      const gb = new gbm.GrowthBook({ attributes: v.attributes, enableDevMode: false });
      const result = gb.run(gbExperiment);
      gb.destroy();
      return result.value;
    },
  };

  // (b) One long-lived instance whose attributes are swapped per visitor: GrowthBook's cheapest use of that
  // class, though unsafe in a Worker, where one isolate interleaves concurrent requests across awaits.
  const shared = new gbm.GrowthBook({ enableDevMode: false });
  let c = 0;
  const reused: PeerBenchmark = {
    id: "growthbook_reused",
    mode: "reused instance, setAttributes",
    name: `GrowthBook ${version}, the same experiment: one instance, setAttributes + run per visitor`,
    op: () => {
      const v = visitors[c++ & (POOL - 1)]!;
      // Async, but with no sticky-bucket service and no remote evaluation it awaits nothing: the attributes are
      // in place when it returns.
      void shared.setAttributes(v.attributes);
      return shared.run(gbExperiment).value;
    },
  };

  // (c) GrowthBook's documented "singleton" server pattern: one GrowthBookClient, attributes passed per call.
  const client = new gbm.GrowthBookClient({ enabled: true });
  let d = 0;
  const singleton: PeerBenchmark = {
    id: "growthbook_client",
    mode: "GrowthBookClient singleton",
    name: `GrowthBook ${version}, the same experiment: one GrowthBookClient, runInlineExperiment per visitor`,
    op: () => {
      const v = visitors[d++ & (POOL - 1)]!;
      return client.runInlineExperiment(gbExperiment, { attributes: v.attributes }).value;
    },
  };

  return { aura, growthbook: [perRequest, reused, singleton], growthbookVersion: version, equivalence };
}
