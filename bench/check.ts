// The regression gate behind `npm run bench -- --check`: flattens a results file into comparable figures and
// judges them against the *committed* results (git HEAD), so a local run never becomes its own baseline.
// Also a CLI, `npx tsx bench/check.ts <results.json> [--only <section>]`, to judge a saved run without re-running it.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import * as z from "zod";

const ROOT = join(import.meta.dirname, "..");

export const SECTIONS = ["micro", "http", "bandit", "experiments", "campaigns", "safety", "fuzz"] as const;
export type Section = (typeof SECTIONS)[number];

/** Where each section lives in a results file (experiments carries the nightly jobs alongside the report). */
const SECTION_KEYS: Readonly<Record<Section, readonly string[]>> = {
  micro: ["micro"],
  http: ["http"],
  bandit: ["bandit"],
  experiments: ["experiments", "nightly"],
  campaigns: ["campaigns"],
  safety: ["safety"],
  fuzz: ["fuzz"],
};

/** The issue's rule: worse than the committed figure by more than this share is a regression. */
export const REGRESSION_THRESHOLD = 0.2;

export type Unit = "µs" | "ns" | "ms" | "s" | "µs/req" | "req/s" | "rows/s" | "clicks" | "ratio" | "count" | "bytes";

/**
 * Changes smaller than these never count, whatever their percentage: below them a 20 % move is timer resolution
 * and scheduling noise (a 2.5 µs parse that reads 3.1 µs on the next run), not the code.
 */
export const UNIT_FLOORS: Readonly<Record<Unit, number>> = {
  "µs": 0.05,
  ns: 10,
  ms: 0.25,
  s: 0.05,
  "µs/req": 5,
  "req/s": 25,
  "rows/s": 25,
  // Regret is deterministic for a given seed; its per-metric floor is the simulation's own seed-to-seed noise.
  clicks: 0,
  // Ratios here (precision, recall, false-positive rate) are deterministic: any change is the code's.
  ratio: 0,
  count: 0,
  // The bundle's size is deterministic; a few KB is an ordinary feature's code, not a regression.
  bytes: 10_000,
};

/** Per-stage and per-job durations are timed over a handful of runs (or one); a few ms is their jitter. */
const FEW_RUNS_FLOOR_MS = 5;

export interface Metric {
  /** Stable across runs; a workload size that changes the figure (e.g. --quick's smaller data) is part of it. */
  id: string;
  section: Section;
  label: string;
  value: number;
  unit: Unit;
  better: "lower" | "higher";
  /** Overrides the unit's floor (see UNIT_FLOORS) where the figure's own noise is known to be larger. */
  floor?: number;
  /** An absolute requirement (value ≤ bound when lower is better, ≥ when higher), judged without the baseline. */
  bound?: number;
}

export interface BaselineSource {
  /** File under bench/results as committed at HEAD. */
  file: string;
  /** Commit the figures were measured at (meta.commit), or else the commit that last committed the file. */
  commit: string;
  timestamp: string;
  quick: boolean | null;
}

export interface BaselineMetric extends Metric {
  source: BaselineSource;
}

export type Verdict = "ok" | "REGRESSED" | "FAILED" | "improved" | "new" | "missing";

export interface Comparison {
  id: string;
  section: Section;
  label: string;
  unit: Unit;
  better: "lower" | "higher";
  baseline: number | null;
  source: BaselineSource | null;
  now: number | null;
  /** Relative change now vs baseline, in percent (null when either is absent or the baseline is 0). */
  changePct: number | null;
  /** The same after dividing out the machine's drift (see MACHINE_REFERENCE); null when not applied. */
  adjustedPct: number | null;
  verdict: Verdict;
}

/**
 * Per section, the figure that measures the machine rather than aura, taken in the same run: a fixed workload in
 * the micro section, the hello-world Worker's CPU per request in the HTTP section. On a shared VM the same code
 * moves by half between runs (hello-world itself went from 42 to 61 µs per request within one afternoon here);
 * time-like figures of those sections are judged after dividing by the reference's change.
 */
export const MACHINE_REFERENCE: Partial<Record<Section, string>> = {
  micro: "micro.calibration.median",
  http: "http.hello_saturation.cpu",
};
const DRIFTING_UNITS: ReadonlySet<Unit> = new Set(["µs", "ns", "ms", "µs/req", "req/s"]);

/** now ÷ baseline of each section's machine reference, when both runs have it. */
export function machineDrift(current: readonly Metric[], baseline: ReadonlyMap<string, BaselineMetric>): Map<Section, number> {
  const drift = new Map<Section, number>();
  for (const [section, id] of Object.entries(MACHINE_REFERENCE) as [Section, string][]) {
    const now = current.find((m) => m.id === id);
    const then = baseline.get(id);
    if (now && then && now.value > 0 && then.value > 0) drift.set(section, now.value / then.value);
  }
  return drift;
}

/** The figure as it would read on the baseline's machine: times divided by the drift, rates multiplied by it. */
function onBaselineMachine(m: Metric, drift: number | undefined): Metric {
  if (drift === undefined || !DRIFTING_UNITS.has(m.unit)) return m;
  return { ...m, value: m.better === "higher" ? m.value * drift : m.value / drift };
}

// ---- reading results files ------------------------------------------------------------------------------

const Meta = z.object({ timestamp: z.string(), quick: z.boolean().nullish(), commit: z.string().nullish(), backgroundCpuPctAtStart: z.number().nullish() });

export interface NormalizedResults {
  meta: z.infer<typeof Meta>;
  body: Record<string, unknown>;
}

/**
 * Accepts what run.ts writes ({ meta, micro, http, … }) and the flat shape `npx tsx bench/safety.ts` writes
 * on its own ({ generated_at, screener_version, … }), which is the safety section without run metadata.
 */
export function normalizeResults(json: unknown): NormalizedResults | null {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return null;
  const record = json as Record<string, unknown>;
  const meta = Meta.safeParse(record.meta);
  if (meta.success) return { meta: meta.data, body: record };
  if (typeof record.generated_at === "string" && typeof record.screener_version === "string") {
    return { meta: { timestamp: record.generated_at, quick: typeof record.quick === "boolean" ? record.quick : null, commit: null }, body: { safety: record } };
  }
  return null;
}

/** Sections with figures in this results file (a section that ran and failed is null there). */
export function sectionsWithData(results: NormalizedResults): Section[] {
  return SECTIONS.filter((s) => SECTION_KEYS[s].some((k) => results.body[k] !== null && results.body[k] !== undefined));
}

// Only the fields the gate reads; everything else in the files is free to change.
const LoadResult = z.object({
  mode: z.string(),
  achievedRps: z.number(),
  // null when a run answered nothing (NaN in JSON): that figure is then missing, not unreadable.
  latencyMs: z.object({ p50: z.number().nullable(), p95: z.number().nullable(), p99: z.number().nullable() }),
  serverCpuUsPerRequest: z.number().nullish(),
});
const MicroSection = z.array(z.object({ id: z.string(), name: z.string(), medianUs: z.number(), p99Us: z.number() }));
const HttpSection = z.object({
  bundleBytes: z.number().nullish(),
  scenarios: z.array(z.object({ id: z.string(), name: z.string(), result: LoadResult, criteria: z.object({ label: z.string(), met: z.boolean() }).nullish() })),
  breakdown: z.array(z.object({ name: z.string(), result: LoadResult })).nullish(),
});
const Timed = z.object({ id: z.string(), name: z.string(), medianNs: z.number() });
const BanditSection = z.object({
  regret: z
    .object({
      rounds: z.number(),
      seeds: z.number(),
      scenarios: z.array(z.object({ id: z.string(), name: z.string() })),
      modes: z.array(z.object({ id: z.string(), name: z.string() })),
      rows: z.array(z.object({ scenario: z.string(), mode: z.string(), policy: z.string(), final: z.object({ mean: z.number(), sd: z.number() }) })),
    })
    .nullish(),
  draws: z.array(Timed).nullish(),
  learning: z
    .object({
      workerdDraws: z.object({ rows: z.array(Timed) }).nullish(),
      pipeline: z
        .object({
          rankRps: z.number(),
          phases: z.array(z.object({ targetRps: z.number(), steadyRowsPerS: z.number().nullish(), reconciliation: z.object({ pass: z.boolean() }) })),
        })
        .nullish(),
    })
    .nullish(),
});
const ReportSection = z.object({ unitsPerVariant: z.number(), medianMs: z.number() });
const NightlySection = z.object({
  customers: z.number(),
  totalSeconds: z.number(),
  workerdCpuSeconds: z.number().nullish(),
  jobs: z.array(z.object({ job: z.string(), status: z.string(), duration_ms: z.number() })),
});
const CampaignSection = z.object({ customers: z.number(), stages: z.array(z.object({ stage: z.string(), ms: z.number() })), totalSeconds: z.number() });
const RateValue = z.object({ value: z.number().nullable() });
const SafetySection = z.object({
  labelled: z.object({ heldOut: z.object({ precision: RateValue, recall: RateValue, hateRecall: RateValue }) }),
  cleanMarketing: z.object({ falsePositiveRate: RateValue }),
  obfuscation: z.object({ overall: RateValue }),
  timing: z.object({ cleanLines: z.object({ medianUs: z.number() }), tweets: z.object({ medianUs: z.number() }), emails: z.object({ medianUs: z.number() }) }),
});
const FuzzSection = z.object({ fiveXx: z.number(), shapeViolations: z.number(), requestsPerSecond: z.number() });

/** "POST /v1/rank personalized, as configured (PROFILE_CACHE_TTL_MS=2000; …)" → "post_v1_rank_personalized_as_configured". */
function slug(name: string): string {
  return name
    .split("(")[0]!
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_|_$/g, "");
}

const thousands = (n: number) => n.toLocaleString("en-US");

/**
 * The figures the gate compares, flattened. Performance figures throughout; quality figures only where they are
 * deterministic for the code (seeded regret simulation, the rule-based safety screen on fixed data), so a change
 * in them is the code's and not the dice's. Left out on purpose: wrk's latency statistics (unreliable here, see
 * README), fixed-rate achieved rates (the schedule, not a measurement), the wrangler dev reference row, the Open
 * Bandit Dataset estimates (off-policy estimates whose intervals are wider than the 20 % rule) and the
 * experiment report's lift and p-value (checked by tests).
 */
export function extractMetrics(results: NormalizedResults, sections: readonly Section[] = SECTIONS): { metrics: Metric[]; problems: string[] } {
  const metrics: Metric[] = [];
  const problems: string[] = [];
  const add = (m: Metric) => {
    if (Number.isFinite(m.value)) metrics.push(m);
  };
  const read = <T>(section: Section, key: string, schema: z.ZodType<T>): T | null => {
    const raw = results.body[key];
    if (raw === null || raw === undefined) return null;
    const parsed = schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    problems.push(`${section}: could not read "${key}" (${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).slice(0, 3).join("; ")})`);
    return null;
  };
  const want = new Set(sections);

  if (want.has("micro")) {
    for (const r of read("micro", "micro", MicroSection) ?? []) {
      add({ id: `micro.${r.id}.median`, section: "micro", label: `${r.name}: median`, value: r.medianUs, unit: "µs", better: "lower" });
      add({ id: `micro.${r.id}.p99`, section: "micro", label: `${r.name}: p99`, value: r.p99Us, unit: "µs", better: "lower" });
    }
  }

  const http = want.has("http") ? read("http", "http", HttpSection) : null;
  if (http) {
    // Every cold isolate parses and evaluates the whole bundle before its first request: a library imported whole
    // (zod's namespace with every locale, the Anthropic SDK's every resource) once made it 1.7 times larger.
    if (http.bundleBytes != null) add({ id: "http.bundle.bytes", section: "http", label: "Worker bundle (wrangler deploy --dry-run): size", value: http.bundleBytes, unit: "bytes", better: "lower" });
    for (const s of http.scenarios) {
      const r = s.result;
      // Only a closed loop or wrk finds the rate; a fixed-rate run achieves its own schedule.
      if (r.mode !== "fixed-rate" && s.id.includes("saturation")) add({ id: `http.${s.id}.rps`, section: "http", label: `${s.name}: achieved rate`, value: r.achievedRps, unit: "req/s", better: "higher" });
      // wrk's latency statistics contradict Little's law on this machine (README, "Reading the results").
      if (r.mode !== "wrk") {
        for (const p of ["p50", "p95", "p99"] as const) {
          const value = r.latencyMs[p];
          if (value !== null) add({ id: `http.${s.id}.${p}`, section: "http", label: `${s.name}: ${p}`, value, unit: "ms", better: "lower" });
        }
      }
      if (r.serverCpuUsPerRequest != null) add({ id: `http.${s.id}.cpu`, section: "http", label: `${s.name}: workerd CPU/request`, value: r.serverCpuUsPerRequest, unit: "µs/req", better: "lower" });
      // A mix's integrity is absolute, like the feedback pipeline's reconciliation: nothing accepted may be lost.
      if (s.id.startsWith("mix_") && s.criteria) add({ id: `http.${s.id}.integrity`, section: "http", label: `${s.name}: ${s.criteria.label} (1 = met)`, value: s.criteria.met ? 1 : 0, unit: "count", better: "higher", bound: 1 });
    }
    for (const b of http.breakdown ?? []) {
      if (b.result.serverCpuUsPerRequest != null) add({ id: `http.breakdown.${slug(b.name)}.cpu`, section: "http", label: `CPU breakdown, ${b.name.split(" (")[0]}: workerd CPU/request`, value: b.result.serverCpuUsPerRequest, unit: "µs/req", better: "lower" });
    }
  }

  const bandit = want.has("bandit") ? read("bandit", "bandit", BanditSection) : null;
  if (bandit) {
    for (const d of bandit.draws ?? []) add({ id: `bandit.draws.${d.id}.median`, section: "bandit", label: `${d.name} (Node): median`, value: d.medianNs, unit: "ns", better: "lower" });
    for (const d of bandit.learning?.workerdDraws?.rows ?? []) add({ id: `bandit.workerd.${d.id}.median`, section: "bandit", label: `${d.name} (workerd): median`, value: d.medianNs, unit: "ns", better: "lower" });
    const pipeline = bandit.learning?.pipeline;
    if (pipeline) {
      add({ id: "bandit.pipeline.rank_rps", section: "bandit", label: "feedback pipeline: /v1/rank calls per second (setup, closed loop)", value: pipeline.rankRps, unit: "req/s", better: "higher" });
      for (const p of pipeline.phases) {
        if (p.steadyRowsPerS != null) add({ id: `bandit.pipeline.phase_${p.targetRps}.steady_rows`, section: "bandit", label: `feedback pipeline at ${thousands(p.targetRps)}/s offered: steady rows written per second`, value: p.steadyRowsPerS, unit: "rows/s", better: "higher" });
      }
      add({ id: "bandit.pipeline.reconciliation", section: "bandit", label: "feedback pipeline: exact reconciliation in every phase (1 = pass)", value: pipeline.phases.every((p) => p.reconciliation.pass) ? 1 : 0, unit: "count", better: "higher", bound: 1 });
    }
    const regret = bandit.regret;
    if (regret) {
      // Seeded (common random numbers per seed), so identical code gives identical regret; but an equivalent
      // change that consumes the random stream differently moves it by its seed-to-seed noise, so the floor is
      // two standard errors of the difference of two such means.
      for (const row of regret.rows.filter((r) => r.policy === "thompson")) {
        const scenario = regret.scenarios.find((s) => s.id === row.scenario)?.name ?? row.scenario;
        const mode = regret.modes.find((m) => m.id === row.mode)?.name ?? row.mode;
        add({
          id: `bandit.regret.${row.scenario}.${row.mode}.thompson@${regret.rounds}x${regret.seeds}`,
          section: "bandit",
          label: `Thompson regret after ${thousands(regret.rounds)} rounds (${regret.seeds} seeds), ${scenario}, ${mode}`,
          value: row.final.mean,
          unit: "clicks",
          better: "lower",
          floor: Math.round(2 * Math.SQRT2 * (row.final.sd / Math.sqrt(regret.seeds)) * 10) / 10,
        });
      }
    }
  }

  if (want.has("experiments")) {
    const report = read("experiments", "experiments", ReportSection);
    if (report) add({ id: `experiments.report@${report.unitsPerVariant}.median`, section: "experiments", label: `experiment report over ${thousands(report.unitsPerVariant)} units per variant: median`, value: report.medianMs, unit: "ms", better: "lower" });
    const nightly = read("experiments", "nightly", NightlySection);
    if (nightly) {
      const at = `experiments.nightly@${nightly.customers}`;
      const over = `nightly jobs over ${thousands(nightly.customers)} customers`;
      add({ id: `${at}.total`, section: "experiments", label: `${over}: total`, value: nightly.totalSeconds, unit: "s", better: "lower" });
      if (nightly.workerdCpuSeconds != null) add({ id: `${at}.cpu`, section: "experiments", label: `${over}: workerd CPU`, value: nightly.workerdCpuSeconds, unit: "s", better: "lower" });
      for (const j of nightly.jobs.filter((x) => x.status === "succeeded")) add({ id: `${at}.job.${j.job}`, section: "experiments", label: `${over}: ${j.job}`, value: j.duration_ms, unit: "ms", better: "lower", floor: FEW_RUNS_FLOOR_MS });
    }
  }

  const campaigns = want.has("campaigns") ? read("campaigns", "campaigns", CampaignSection) : null;
  if (campaigns) {
    const at = `campaigns@${campaigns.customers}`;
    const over = `campaign pipeline over ${thousands(campaigns.customers)} customers`;
    for (const s of campaigns.stages) add({ id: `${at}.stage.${s.stage}`, section: "campaigns", label: `${over}: ${s.stage} (median)`, value: s.ms, unit: "ms", better: "lower", floor: FEW_RUNS_FLOOR_MS });
    add({ id: `${at}.total`, section: "campaigns", label: `${over}: whole pipeline (median)`, value: campaigns.totalSeconds, unit: "s", better: "lower" });
  }

  const safety = want.has("safety") ? read("safety", "safety", SafetySection) : null;
  if (safety) {
    const t = safety.timing;
    add({ id: "safety.timing.clean_lines.median", section: "safety", label: "safety screen, clean marketing line: median", value: t.cleanLines.medianUs, unit: "µs", better: "lower" });
    add({ id: "safety.timing.tweets.median", section: "safety", label: "safety screen, tweet: median", value: t.tweets.medianUs, unit: "µs", better: "lower" });
    add({ id: "safety.timing.emails.median", section: "safety", label: "safety screen, whole e-mail: median", value: t.emails.medianUs, unit: "µs", better: "lower" });
    const h = safety.labelled.heldOut;
    const ratio = (id: string, label: string, value: number | null, better: "lower" | "higher") => {
      if (value !== null) add({ id: `safety.${id}`, section: "safety", label: `safety screen: ${label}`, value, unit: "ratio", better });
    };
    ratio("held_out.precision", "held-out precision", h.precision.value, "higher");
    ratio("held_out.recall", "held-out recall", h.recall.value, "higher");
    ratio("held_out.hate_recall", "held-out recall on hate", h.hateRecall.value, "higher");
    ratio("clean_marketing.false_positive_rate", "clean marketing copy blocked", safety.cleanMarketing.falsePositiveRate.value, "lower");
    ratio("obfuscation.recall", "obfuscated words caught", safety.obfuscation.overall.value, "higher");
  }

  const fuzz = want.has("fuzz") ? read("fuzz", "fuzz", FuzzSection) : null;
  if (fuzz) {
    add({ id: "fuzz.5xx", section: "fuzz", label: "fuzz: 5xx the contract does not allow", value: fuzz.fiveXx, unit: "count", better: "lower", bound: 0 });
    add({ id: "fuzz.shape_violations", section: "fuzz", label: "fuzz: answers that broke the error shape", value: fuzz.shapeViolations, unit: "count", better: "lower", bound: 0 });
    add({ id: "fuzz.rps", section: "fuzz", label: "fuzz: requests per second", value: fuzz.requestsPerSecond, unit: "req/s", better: "higher" });
  }
  return { metrics, problems };
}

// ---- judging --------------------------------------------------------------------------------------------

export function meetsBound(m: Metric): boolean {
  if (m.bound === undefined) return true;
  return m.better === "lower" ? m.value <= m.bound : m.value >= m.bound;
}

/** The floor that applies: the larger of the two runs' own floors, else the unit's. */
export function floorFor(now: Metric, baseline?: Metric | null): number {
  const own = [now.floor, baseline?.floor].filter((f): f is number => f !== undefined);
  return own.length ? Math.max(...own) : UNIT_FLOORS[now.unit];
}

export function judge(now: Metric, baseline: Metric | null): Verdict {
  if (now.bound !== undefined && !meetsBound(now)) return "FAILED";
  if (baseline === null) return "new";
  if (now.bound !== undefined) return "ok";
  // Positive = worse, in the metric's own unit.
  const worse = now.better === "lower" ? now.value - baseline.value : baseline.value - now.value;
  const relative = baseline.value !== 0 ? worse / Math.abs(baseline.value) : worse === 0 ? 0 : Math.sign(worse) * Number.POSITIVE_INFINITY;
  const floor = floorFor(now, baseline);
  if (worse > floor && relative > REGRESSION_THRESHOLD) return "REGRESSED";
  if (-worse > floor && -relative > REGRESSION_THRESHOLD) return "improved";
  return "ok";
}

/** Newest committed figure per metric id, among the files given (each already read and normalized). */
export function pickBaseline(files: readonly { source: BaselineSource; results: NormalizedResults }[], sections: readonly Section[]): { baseline: Map<string, BaselineMetric>; problems: string[] } {
  const baseline = new Map<string, BaselineMetric>();
  const problems: string[] = [];
  for (const f of files) {
    const { metrics, problems: p } = extractMetrics(f.results, sections);
    problems.push(...p.map((x) => `${f.source.file}: ${x}`));
    for (const m of metrics) {
      const held = baseline.get(m.id);
      if (!held || Date.parse(f.source.timestamp) > Date.parse(held.source.timestamp)) baseline.set(m.id, { ...m, source: f.source });
    }
  }
  return { baseline, problems };
}

export function compareMetrics(current: readonly Metric[], baseline: ReadonlyMap<string, BaselineMetric>, sections: readonly Section[], drift: ReadonlyMap<Section, number> = new Map()): Comparison[] {
  const out: Comparison[] = [];
  const seen = new Set<string>();
  for (const section of sections) {
    for (const m of current.filter((x) => x.section === section)) {
      seen.add(m.id);
      const b = baseline.get(m.id) ?? null;
      const adjusted = onBaselineMachine(m, drift.get(section));
      out.push({
        id: m.id,
        section,
        label: m.label,
        unit: m.unit,
        better: m.better,
        baseline: b?.value ?? null,
        source: b?.source ?? null,
        now: m.value,
        changePct: b && b.value !== 0 ? ((m.value - b.value) / Math.abs(b.value)) * 100 : null,
        adjustedPct: adjusted !== m && b && b.value !== 0 ? ((adjusted.value - b.value) / Math.abs(b.value)) * 100 : null,
        verdict: judge(adjusted, b),
      });
    }
    // In the baseline but not in this run: --quick and --no-wrk leave rows out, so this is shown, not failed.
    for (const b of baseline.values()) {
      if (b.section !== section || seen.has(b.id)) continue;
      out.push({ id: b.id, section, label: b.label, unit: b.unit, better: b.better, baseline: b.value, source: b.source, now: null, changePct: null, adjustedPct: null, verdict: "missing" });
    }
  }
  return out;
}

export const isFailure = (v: Verdict) => v === "REGRESSED" || v === "FAILED";

export function checkFailed(comparisons: readonly Comparison[]): boolean {
  return comparisons.some((c) => isFailure(c.verdict));
}

// ---- rendering ------------------------------------------------------------------------------------------

export function formatValue(v: number, unit: Unit): string {
  if (unit === "ratio") return `${(v * 100).toFixed(2)} %`;
  if (unit === "count") return String(v);
  // About three significant digits: 96 ns rows read 0.096 µs, not 0.1 µs.
  const digits = Math.abs(v) >= 1000 ? 0 : Math.abs(v) >= 100 ? 1 : Math.abs(v) >= 1 ? 2 : 3;
  return `${v.toLocaleString("en-US", { maximumFractionDigits: digits })} ${unit}`;
}

const formatChange = (pct: number | null) => (pct === null ? "" : `${pct > 0 ? "+" : ""}${pct.toFixed(1)} %`);
const cell = (s: string) => s.replace(/\|/g, "\\|");

export function floorsLegend(): string {
  return (Object.entries(UNIT_FLOORS) as [Unit, number][])
    .filter(([, f]) => f > 0)
    .map(([u, f]) => `${u} ${f}`)
    .join(", ");
}

export function renderCheck(comparisons: readonly Comparison[], context: { head: string | null; notes: readonly string[] }): string {
  const lines: string[] = [`## Regression check against the committed results (HEAD ${context.head ?? "unknown"})`, ""];
  lines.push(
    `Rule: REGRESSED = worse than the committed figure by more than ${REGRESSION_THRESHOLD * 100} %. Changes under a floor never count (noise, not code): ${floorsLegend()}; ` +
      `per-stage and per-job durations ${FEW_RUNS_FLOOR_MS} ms; Thompson regret two standard errors of its seeds. FAILED = an absolute requirement not met (fuzz 5xx = 0, exact reconciliation).`,
    "",
  );
  for (const n of context.notes) lines.push(`- ${n}`);
  if (context.notes.length) lines.push("");
  lines.push("| metric | baseline | measured at | now | change | vs machine | verdict |", "|---|---:|---|---:|---:|---:|---|");
  for (const c of comparisons) {
    const from = c.source ? `${c.source.commit} ${c.source.timestamp.slice(0, 10)}${c.source.quick ? " (quick)" : ""}` : "";
    const verdict = isFailure(c.verdict) ? `**${c.verdict}**` : c.verdict;
    lines.push(`| ${cell(c.label)} | ${c.baseline === null ? "" : formatValue(c.baseline, c.unit)} | ${from} | ${c.now === null ? "" : formatValue(c.now, c.unit)} | ${formatChange(c.changePct)} | ${formatChange(c.adjustedPct)} | ${verdict} |`);
  }
  const count = (v: Verdict) => comparisons.filter((c) => c.verdict === v).length;
  lines.push("", `${count("REGRESSED")} regressed, ${count("FAILED")} failed, ${count("improved")} improved, ${count("ok")} ok, ${count("new")} new, ${count("missing")} missing → ${checkFailed(comparisons) ? "check FAILED (exit 1)" : "check passed"}.`);
  return lines.join("\n");
}

// ---- the committed baseline -----------------------------------------------------------------------------

/** What the check needs from git; tests pass a fake. */
export interface GitReader {
  head(): string | null;
  /** A file's content at HEAD, or null when it is not committed. */
  show(path: string): string | null;
  /** Short hash of the last commit that touched the path at HEAD. */
  lastCommit(path: string): string | null;
}

function gitOut(args: readonly string[]): string | null {
  try {
    return execFileSync("git", args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 256 * 1024 * 1024 });
  } catch {
    return null;
  }
}

export const repoGit: GitReader = {
  head: () => gitOut(["rev-parse", "--short", "HEAD"])?.trim() ?? null,
  show: (path) => gitOut(["show", `HEAD:${path}`]),
  lastCommit: (path) => gitOut(["log", "-1", "--format=%h", "HEAD", "--", path])?.trim() || null,
};

export const RESULTS_PATH = "bench/results";

/** The committed files that can hold a section's figures: a full run's latest.json and the section's own file. */
export function baselineFiles(sections: readonly Section[]): string[] {
  return ["latest.json", ...sections.map((s) => `${s}-latest.json`)];
}

export function loadCommittedBaseline(sections: readonly Section[], git: GitReader = repoGit): { baseline: Map<string, BaselineMetric>; notes: string[] } {
  const notes: string[] = [];
  const files: { source: BaselineSource; results: NormalizedResults }[] = [];
  for (const file of baselineFiles(sections)) {
    const path = `${RESULTS_PATH}/${file}`;
    const text = git.show(path);
    if (text === null) continue;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      notes.push(`${path} at HEAD is not valid JSON: ignored.`);
      continue;
    }
    const results = normalizeResults(json);
    if (!results) {
      notes.push(`${path} at HEAD is not a results file: ignored.`);
      continue;
    }
    const commit = results.meta.commit ?? git.lastCommit(path) ?? "unknown";
    files.push({ source: { file, commit, timestamp: results.meta.timestamp, quick: results.meta.quick ?? null }, results });
  }
  const { baseline, problems } = pickBaseline(files, sections);
  notes.push(...problems);
  for (const s of sections) {
    if (![...baseline.values()].some((b) => b.section === s)) notes.push(`${s}: no committed baseline (neither ${RESULTS_PATH}/latest.json nor ${RESULTS_PATH}/${s}-latest.json at HEAD has its figures), so every figure is new; commit the results to make them the baseline.`);
  }
  const used = new Map<string, BaselineSource>();
  for (const b of baseline.values()) used.set(b.source.file, b.source);
  if (used.size) notes.unshift(`Baseline: ${[...used.values()].map((s) => `${s.file} (run ${s.timestamp.replace(/\.\d+Z$/, "Z")} at ${s.commit}${s.quick ? ", quick" : ""})`).join("; ")}.`);
  return { baseline, notes };
}

/** Compares a results object (what run.ts writes) against the committed baseline for the given sections. */
export function runCheck(current: unknown, opts: { sections?: readonly Section[]; git?: GitReader } = {}): { comparisons: Comparison[]; failed: boolean; text: string } {
  const git = opts.git ?? repoGit;
  const results = normalizeResults(current);
  if (!results) {
    const text = "## Regression check\n\nThe results to check are not a results file (no meta.timestamp): nothing compared → check FAILED (exit 1).";
    return { comparisons: [], failed: true, text };
  }
  const present = sectionsWithData(results);
  const asked = opts.sections ?? present;
  const sections = asked.filter((s) => present.includes(s));
  const notes: string[] = [];
  for (const s of asked.filter((x) => !present.includes(x))) notes.push(`${s}: no figures in this run (it failed or did not run), so nothing compared.`);
  const { metrics, problems } = extractMetrics(results, sections);
  notes.push(...problems);
  const loaded = loadCommittedBaseline(sections, git);
  notes.unshift(...loaded.notes);
  const baselineQuick = new Set([...loaded.baseline.values()].map((b) => b.source.quick));
  if (results.meta.quick && baselineQuick.has(false)) notes.push("This is a --quick run compared with full-run figures: fewer samples and shorter runs, so expect noise. Workload-sized figures (campaigns, nightly, report, regret) are keyed by size and show as new/missing instead.");
  const bg = results.meta.backgroundCpuPctAtStart;
  if (typeof bg === "number" && bg > 10) notes.push(`Other processes used ${bg} % of a core when this run started: figures are skewed; re-run (--wait-quiet) before trusting a regression.`);
  const drift = machineDrift(metrics, loaded.baseline);
  for (const section of sections) {
    const d = drift.get(section);
    if (d !== undefined) notes.push(`${section}: the machine reference (${MACHINE_REFERENCE[section]}) moved ${formatChange((d - 1) * 100)} since the baseline; time and rate figures are judged after dividing that out (column "vs machine").`);
    else if (MACHINE_REFERENCE[section]) notes.push(`${section}: no machine reference in both runs, so figures are judged as measured.`);
  }
  const comparisons = compareMetrics(metrics, loaded.baseline, sections, drift);
  const failed = checkFailed(comparisons);
  return { comparisons, failed, text: renderCheck(comparisons, { head: git.head(), notes }) };
}

// `npx tsx bench/check.ts <results.json> [--only <section>]`: judge a saved run (e.g. bench/results/runs/…).
if (import.meta.url === `file://${process.argv[1]}`) {
  const argv = process.argv.slice(2);
  const onlyAt = argv.indexOf("--only");
  const only = onlyAt >= 0 ? argv[onlyAt + 1] : undefined;
  const file = argv.find((a, i) => !a.startsWith("--") && (onlyAt < 0 || i !== onlyAt + 1));
  const section = SECTIONS.find((s) => s === only);
  if (!file || (only !== undefined && !section)) {
    console.error(`usage: npx tsx bench/check.ts <results.json> [--only ${SECTIONS.join("|")}]`);
    process.exit(2);
  }
  const { text, failed } = runCheck(JSON.parse(readFileSync(file, "utf8")), section ? { sections: [section] } : {});
  console.log(`Checking ${basename(file)}\n\n${text}`);
  process.exitCode = failed ? 1 : 0;
}
