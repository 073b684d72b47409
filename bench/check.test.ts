// The regression gate on fixture results shaped like the committed files: what it reads, the 20 % rule both
// ways, the noise floors, new and missing figures, absolute requirements, and which committed file is the baseline.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  checkFailed,
  compareMetrics,
  extractMetrics,
  judge,
  loadCommittedBaseline,
  normalizeResults,
  pickBaseline,
  runCheck,
  sectionsWithData,
  type BaselineSource,
  type GitReader,
  type Metric,
  type NormalizedResults,
} from "./check";

// ---- fixtures -------------------------------------------------------------------------------------------

const meta = (timestamp: string, extra: Record<string, unknown> = {}) => ({ timestamp, quick: false, commit: "abc1234", dirty: false, backgroundCpuPctAtStart: 0, ...extra });

const load = (mode: string, achievedRps: number, p50: number, p95: number, p99: number, cpu: number | null) => ({
  mode,
  targetRps: mode === "fixed-rate" ? 1000 : null,
  connections: 4,
  errors: 0,
  achievedRps,
  latencyMs: { p50, p95, p99, max: p99 * 3, mean: p50 },
  serverCpuUsPerRequest: cpu,
});

/** Like bench/results/latest.json: a full run's micro and HTTP sections. */
function fullRun(timestamp = "2026-11-21T06:38:22.300Z", scale = 1) {
  return {
    meta: meta(timestamp),
    micro: [
      { id: "classify", name: "(a) persona classification", opsPerBatch: 3, batches: 1000, medianUs: 22.64 * scale, p99Us: 44.34 * scale, minUs: 19, target: null, medianMet: null, p99Met: null },
      { id: "parse_request", name: "(extra) JSON.parse + safeParse", opsPerBatch: 40, batches: 1000, medianUs: 2.46 * scale, p99Us: 5.39 * scale, minUs: 2, target: null, medianMet: null, p99Met: null },
    ],
    http: {
      bundleBytes: 1_830_000,
      servedBy: "workerd",
      setup: {},
      scenarios: [
        { id: "rank_1k_fixed_1000", name: "/v1/rank, 1,000 items, 1,000 req/s fixed rate", catalogItems: 1000, criteria: null, result: load("fixed-rate", 1000, 1.329, 7.667, 28.673, 474) },
        { id: "rank_1k_saturation", name: "/v1/rank, 1,000 items, saturation (Node closed loop)", catalogItems: 1000, criteria: null, result: load("closed-loop", 3549.1 / scale, 0.957, 1.502, 8.653, 279.5 * scale) },
        { id: "rank_1k_saturation_wrk", name: "/v1/rank, 1,000 items, saturation (wrk cross-check)", catalogItems: 1000, criteria: null, result: load("wrk", 3235.4, 1.01, 33.297, 115.03, 307.7) },
      ],
      breakdown: [{ name: "POST /v1/rank personalized, as configured (PROFILE_CACHE_TTL_MS=2000; from the saturation sweep)", result: load("closed-loop", 3394.8, 3.2, 6.8, 18.1, 293.2) }],
      workerWarnings: 0,
    },
    wranglerDev: { scenario: { id: "wrangler_dev_rank_1k_fixed_1000", name: "wrangler dev", result: load("fixed-rate", 932.7, 5, 9, 20, 1071) }, note: "" },
    errors: [],
  };
}

/** Like bench/results/bandit-latest.json (trimmed to what the gate reads, plus parts it must ignore). */
function banditRun(timestamp = "2026-11-21T08:50:28.162Z", opts: { rounds?: number; seeds?: number; reconciled?: boolean; drawNs?: number } = {}) {
  const seeds = opts.seeds ?? 20;
  return {
    meta: meta(timestamp),
    micro: null,
    http: null,
    wranglerDev: null,
    bandit: {
      regret: {
        rounds: opts.rounds ?? 20000,
        seeds,
        scenarios: [{ id: "spread", name: "3 arms, CTR 4% / 5% / 7%", rates: [0.04, 0.05, 0.07] }],
        modes: [{ id: "b100", name: "refresh every 100 rounds, no click delay", batch: 100, meanDelay: 0 }],
        rows: [
          { scenario: "spread", mode: "b100", policy: "thompson", policyName: "Thompson (ours)", checkpoints: [], final: { mean: 35.6, sd: 19.4 }, bestArmShare: 0.925, ctr: 0.06887 },
          { scenario: "spread", mode: "b100", policy: "ucb1", policyName: "UCB1", checkpoints: [], final: { mean: 214.3, sd: 30 }, bestArmShare: 0.557, ctr: 0.05978 },
        ],
        durationS: 14.3,
      },
      obd: { dir: "/data/obd", learnerPasses: 10, campaigns: [{ campaign: "men" }], durationS: 9.5 },
      draws: [{ id: "sample_beta_prior", name: "sampleBeta(1, 1)", medianNs: opts.drawNs ?? 90.3, p99Ns: 119.2, betaDrawsPerOp: 1, opsPerBatch: 1485, batches: 1000, targetNs: 150, met: true }],
      errors: [],
      durationS: 26.5,
      learning: {
        workerdDraws: { cpuSource: "/proc", pinned: true, emptyRequestUs: 120.9, bundleBytes: 7479, rows: [{ id: "workerd_choose_arm_3", name: "chooseArm, 3 arms", n: 2e6, repetitions: 7, medianNs: 311.5 }] },
        pipeline: {
          rankCalls: 84933,
          rankRps: 3522,
          phases: [
            { targetRps: 2100, steadyRowsPerS: 1934, acceptedRps: 2099, reconciliation: { pass: true, checks: [] } },
            { targetRps: 4000, steadyRowsPerS: 3117, acceptedRps: 3363, reconciliation: { pass: opts.reconciled ?? true, checks: [] } },
          ],
          targetRps: 2000,
          met: true,
        },
        errors: [],
        durationS: 99.6,
      },
    },
    errors: [],
  };
}

/** Like campaigns-latest.json and experiments-latest.json together (each normally has its own file). */
function pipelinesRun(timestamp = "2026-11-21T11:01:05.061Z", customers = 10000) {
  return {
    meta: meta(timestamp),
    micro: null,
    http: null,
    bandit: null,
    experiments: { unitsPerVariant: 100000, medianMs: 1027.8, firstMs: 1074.4, relativeLift: 0.072405, pValue: 2e-8 },
    nightly: {
      customers: 25000,
      totalSeconds: 9.84,
      workerdCpuSeconds: 9.81,
      jobs: [
        { job: "retention", status: "succeeded", duration_ms: 10, outcome: null },
        { job: "drift", status: "failed", duration_ms: 2, outcome: null },
      ],
    },
    campaigns: { customers, stages: [{ stage: "upload", ms: 120, maxMs: 241, note: "" }], totalSeconds: 0.71, maxTotalSeconds: 1.18, met: true },
    safety: null,
    fuzz: { seed: 1, tried: 24003, fiveXx: 0, allowed5xx: 139, shapeViolations: 0, requestsPerSecond: 520, byEndpoint: [] },
    errors: [],
  };
}

/** Exactly the flat shape `npx tsx bench/safety.ts` writes (no meta). */
const flatSafety = {
  generated_at: "2026-11-21T10:53:54.932Z",
  screener_version: "local-rules-2026.11.1",
  quick: false,
  labelled: { heldOut: { precision: { value: 0.9819 }, recall: { value: 0.9649 }, hateRecall: { value: 0.8403 } } },
  cleanMarketing: { lines: 370, falsePositiveRate: { value: 0 } },
  obfuscation: { overall: { value: 0.9968 } },
  timing: { cleanLines: { medianUs: 3.46 }, tweets: { medianUs: 6.78 }, emails: { medianUs: 25.6 } },
};

const normalized = (json: unknown): NormalizedResults => {
  const n = normalizeResults(json);
  if (!n) throw new Error("fixture is not a results file");
  return n;
};
const byId = (metrics: readonly Metric[]) => new Map(metrics.map((m) => [m.id, m]));
const metric = (value: number, unit: Metric["unit"], better: Metric["better"], extra: Partial<Metric> = {}): Metric => ({ id: "x", section: "micro", label: "x", value, unit, better, ...extra });

/** A fake git whose HEAD holds the given files under bench/results. */
function gitWith(files: Record<string, unknown>): GitReader {
  return {
    head: () => "head123",
    show: (path) => {
      const name = path.replace(/^bench\/results\//, "");
      return name in files ? JSON.stringify(files[name]) : null;
    },
    lastCommit: () => "file456",
  };
}

// ---- reading --------------------------------------------------------------------------------------------

describe("extracting figures from a results file", () => {
  it("reads micro medians and p99s, and HTTP rates only where a closed loop or wrk found them", () => {
    const m = byId(extractMetrics(normalized(fullRun())).metrics);
    expect(m.get("micro.classify.median")).toMatchObject({ value: 22.64, unit: "µs", better: "lower" });
    expect(m.get("micro.classify.p99")?.value).toBe(44.34);
    expect(m.get("http.rank_1k_saturation.rps")).toMatchObject({ value: 3549.1, unit: "req/s", better: "higher" });
    // A fixed-rate run achieves its own schedule: its rate is not a measurement.
    expect(m.has("http.rank_1k_fixed_1000.rps")).toBe(false);
    expect(m.get("http.rank_1k_fixed_1000.p99")).toMatchObject({ value: 28.673, unit: "ms", better: "lower" });
    expect(m.get("http.rank_1k_fixed_1000.cpu")).toMatchObject({ value: 474, unit: "µs/req" });
    // wrk counts for throughput and CPU, never for latency.
    expect(m.has("http.rank_1k_saturation_wrk.rps")).toBe(true);
    expect(m.has("http.rank_1k_saturation_wrk.p99")).toBe(false);
    expect(m.get("http.breakdown.post_v1_rank_personalized_as_configured.cpu")?.value).toBe(293.2);
    // The wrangler dev row is a reference, not the headline.
    expect([...m.keys()].some((id) => id.includes("wrangler"))).toBe(false);
  });

  it("reads bandit timings, pipeline throughput and our policy's seeded regret with its noise floor", () => {
    const m = byId(extractMetrics(normalized(banditRun())).metrics);
    expect(m.get("bandit.draws.sample_beta_prior.median")).toMatchObject({ value: 90.3, unit: "ns", better: "lower" });
    expect(m.get("bandit.workerd.workerd_choose_arm_3.median")?.value).toBe(311.5);
    expect(m.get("bandit.pipeline.phase_4000.steady_rows")).toMatchObject({ value: 3117, unit: "rows/s", better: "higher" });
    expect(m.get("bandit.pipeline.reconciliation")).toMatchObject({ value: 1, bound: 1 });
    const regret = m.get("bandit.regret.spread.b100.thompson@20000x20");
    // 2·√2·sd/√seeds = 2·1.414·19.4/4.472
    expect(regret).toMatchObject({ value: 35.6, unit: "clicks", better: "lower", floor: 12.3 });
    // Only our policy; the comparison policies and the Open Bandit Dataset estimates are not gated.
    expect([...m.keys()].filter((id) => id.includes("ucb1") || id.includes("obd"))).toEqual([]);
  });

  it("keys workload-sized figures by their size, so a --quick run does not compare with a full one", () => {
    const full = byId(extractMetrics(normalized(pipelinesRun())).metrics);
    expect(full.get("campaigns@10000.stage.upload")).toMatchObject({ value: 120, unit: "ms", floor: 5 });
    expect(full.get("campaigns@10000.total")).toMatchObject({ value: 0.71, unit: "s" });
    expect(full.get("experiments.report@100000.median")?.value).toBe(1027.8);
    expect(full.get("experiments.nightly@25000.job.retention")?.value).toBe(10);
    expect(full.has("experiments.nightly@25000.job.drift")).toBe(false);
    const quick = byId(extractMetrics(normalized(pipelinesRun(undefined, 2000))).metrics);
    expect(quick.has("campaigns@2000.total")).toBe(true);
    expect(quick.has("campaigns@10000.total")).toBe(false);
  });

  it("reads fuzz 5xx as an absolute requirement and its request rate as a figure", () => {
    const m = byId(extractMetrics(normalized(pipelinesRun())).metrics);
    expect(m.get("fuzz.5xx")).toMatchObject({ value: 0, bound: 0, better: "lower" });
    expect(m.get("fuzz.rps")).toMatchObject({ value: 520, better: "higher" });
  });

  it("reads the flat file bench/safety.ts writes on its own as the safety section", () => {
    const n = normalized(flatSafety);
    expect(n.meta.timestamp).toBe(flatSafety.generated_at);
    expect(sectionsWithData(n)).toEqual(["safety"]);
    const m = byId(extractMetrics(n).metrics);
    expect(m.get("safety.timing.emails.median")?.value).toBe(25.6);
    expect(m.get("safety.held_out.recall")).toMatchObject({ value: 0.9649, unit: "ratio", better: "higher" });
    expect(m.get("safety.clean_marketing.false_positive_rate")).toMatchObject({ value: 0, better: "lower" });
  });

  it("reports a section it cannot read instead of throwing", () => {
    const broken = { ...fullRun(), micro: [{ id: "classify", medianUs: "fast" }] };
    const { metrics, problems } = extractMetrics(normalized(broken));
    expect(metrics.some((x) => x.section === "micro")).toBe(false);
    expect(metrics.some((x) => x.section === "http")).toBe(true);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^micro: could not read "micro"/);
  });

  it("finds figures for their section in every committed results file (the gate is not blind to a shape change)", () => {
    const dir = join(import.meta.dirname, "results");
    const files = readdirSync(dir).filter((f) => /^(latest|[a-z]+-latest)\.json$/.test(f));
    expect(files).toContain("latest.json");
    for (const file of files) {
      const results = normalizeResults(JSON.parse(readFileSync(join(dir, file), "utf8")));
      expect(results, file).not.toBeNull();
      const sections = sectionsWithData(results!);
      const { metrics, problems } = extractMetrics(results!);
      expect(problems, file).toEqual([]);
      for (const s of sections) expect(metrics.some((x) => x.section === s), `${file}: ${s}`).toBe(true);
    }
  });
});

// ---- judging --------------------------------------------------------------------------------------------

describe("the 20 % rule", () => {
  it("flags lower-is-better figures only beyond 20 % worse, and calls 20 % better an improvement", () => {
    const base = metric(100, "µs", "lower");
    expect(judge(metric(120, "µs", "lower"), base)).toBe("ok");
    expect(judge(metric(120.5, "µs", "lower"), base)).toBe("REGRESSED");
    expect(judge(metric(80, "µs", "lower"), base)).toBe("ok");
    expect(judge(metric(79.5, "µs", "lower"), base)).toBe("improved");
  });

  it("flags higher-is-better figures when they fall by more than 20 %", () => {
    const base = metric(1000, "req/s", "higher");
    expect(judge(metric(800, "req/s", "higher"), base)).toBe("ok");
    expect(judge(metric(790, "req/s", "higher"), base)).toBe("REGRESSED");
    expect(judge(metric(1210, "req/s", "higher"), base)).toBe("improved");
  });

  it("ignores changes under the unit's floor, however large in percent", () => {
    // 0.20 → 0.249 µs is +24.5 %, but 0.049 µs is timer noise.
    expect(judge(metric(0.249, "µs", "lower"), metric(0.2, "µs", "lower"))).toBe("ok");
    expect(judge(metric(0.26, "µs", "lower"), metric(0.2, "µs", "lower"))).toBe("REGRESSED");
    // 0.5 → 0.7 ms latency is +40 %, under the 0.25 ms floor.
    expect(judge(metric(0.7, "ms", "lower"), metric(0.5, "ms", "lower"))).toBe("ok");
    expect(judge(metric(0.8, "ms", "lower"), metric(0.5, "ms", "lower"))).toBe("REGRESSED");
    // Floors work both ways: no "improved" for noise either.
    expect(judge(metric(0.3, "ms", "lower"), metric(0.5, "ms", "lower"))).toBe("ok");
  });

  it("uses a figure's own floor when it has one (seeded regret, few-run durations)", () => {
    const base = metric(35.6, "clicks", "lower", { floor: 12.3 });
    expect(judge(metric(45, "clicks", "lower", { floor: 12.3 }), base)).toBe("ok");
    expect(judge(metric(50, "clicks", "lower", { floor: 12.3 }), base)).toBe("REGRESSED");
    expect(judge(metric(14, "ms", "lower", { floor: 5 }), metric(10, "ms", "lower", { floor: 5 }))).toBe("ok");
  });

  it("treats any worsening of a deterministic ratio from 0 as a regression", () => {
    expect(judge(metric(1 / 370, "ratio", "lower"), metric(0, "ratio", "lower"))).toBe("REGRESSED");
    expect(judge(metric(0, "ratio", "lower"), metric(0, "ratio", "lower"))).toBe("ok");
  });

  it("fails an absolute requirement with or without a baseline", () => {
    const fiveXx = (v: number) => metric(v, "count", "lower", { bound: 0 });
    expect(judge(fiveXx(3), null)).toBe("FAILED");
    expect(judge(fiveXx(3), fiveXx(0))).toBe("FAILED");
    expect(judge(fiveXx(0), fiveXx(0))).toBe("ok");
    expect(judge(fiveXx(0), null)).toBe("new");
  });
});

describe("comparing a run with the baseline", () => {
  const source: BaselineSource = { file: "latest.json", commit: "abc1234", timestamp: "2026-11-21T06:38:22.300Z", quick: false };

  it("marks figures new or missing, and fails only on REGRESSED or FAILED", () => {
    const current = [metric(10, "µs", "lower", { id: "a" }), metric(5, "µs", "lower", { id: "b" })];
    const baseline = new Map([
      ["a", { ...metric(10, "µs", "lower", { id: "a" }), source }],
      ["gone", { ...metric(1, "µs", "lower", { id: "gone" }), source }],
    ]);
    const result = compareMetrics(current, baseline, ["micro"]);
    expect(result.map((c) => [c.id, c.verdict])).toEqual([
      ["a", "ok"],
      ["b", "new"],
      ["gone", "missing"],
    ]);
    expect(result[0]).toMatchObject({ baseline: 10, now: 10, changePct: 0, source });
    expect(checkFailed(result)).toBe(false);
    expect(checkFailed(compareMetrics([metric(13, "µs", "lower", { id: "a" })], baseline, ["micro"]))).toBe(true);
  });

  it("does not report sections the run did not cover as missing", () => {
    const baseline = new Map([["http.x.p50", { ...metric(1, "ms", "lower", { id: "http.x.p50", section: "http" }), source }]]);
    expect(compareMetrics([], baseline, ["micro"])).toEqual([]);
  });

  it("takes each figure from the newest committed file that has it", () => {
    const older = { source: { ...source, file: "latest.json", timestamp: "2026-11-21T06:00:00.000Z" }, results: normalized(fullRun("2026-11-21T06:00:00.000Z")) };
    const newerRun = fullRun("2026-11-22T06:00:00.000Z", 2);
    // A newer --only micro run without the parse row (say, renamed): that row still comes from the older file.
    const newer = { source: { ...source, file: "micro-latest.json", timestamp: "2026-11-22T06:00:00.000Z" }, results: normalized({ ...newerRun, micro: newerRun.micro.slice(0, 1), http: null }) };
    const { baseline } = pickBaseline([newer, older], ["micro", "http"]);
    expect(baseline.get("micro.classify.median")).toMatchObject({ value: 45.28, source: { file: "micro-latest.json" } });
    expect(baseline.get("micro.parse_request.median")).toMatchObject({ value: 2.46, source: { file: "latest.json" } });
    expect(baseline.get("http.rank_1k_saturation.rps")?.source.file).toBe("latest.json");
  });
});

// ---- the committed baseline and the whole check -----------------------------------------------------------

describe("checking against the committed results", () => {
  it("reads the baseline from HEAD, falling back with a note when a section has no committed file", () => {
    const { baseline, notes } = loadCommittedBaseline(["micro", "campaigns"], gitWith({ "latest.json": fullRun() }));
    expect(baseline.get("micro.classify.median")?.source).toEqual({ file: "latest.json", commit: "abc1234", timestamp: "2026-11-21T06:38:22.300Z", quick: false });
    expect(notes.some((n) => n.startsWith("campaigns: no committed baseline"))).toBe(true);
  });

  it("names the commit that committed a file when the file does not say where it was measured", () => {
    const { baseline } = loadCommittedBaseline(["safety"], gitWith({ "safety-latest.json": flatSafety }));
    expect(baseline.get("safety.held_out.precision")?.source).toMatchObject({ file: "safety-latest.json", commit: "file456" });
  });

  it("fails a mix whose integrity was not met (a lost event or reward, the bandit's books off), with or without a baseline", () => {
    const withMix = (met: boolean) => {
      const run = fullRun("2026-11-23T00:00:00.000Z");
      run.http.scenarios.push({ id: "mix_1k_fixed_1000", name: "Mix, 1,000 items", catalogItems: 1000, criteria: { label: "every accepted event and reward stored, the bandit's books exact", met } as never, result: load("fixed-rate", 1000, 2, 9, 40, 700) });
      return run;
    };
    const git = gitWith({ "latest.json": withMix(true), "bandit-latest.json": banditRun() });
    const verdict = (met: boolean, g = git) => runCheck(withMix(met), { sections: ["http"], git: g }).comparisons.find((c) => c.id === "http.mix_1k_fixed_1000.integrity")?.verdict;
    expect(verdict(true)).toBe("ok");
    expect(verdict(false)).toBe("FAILED");
    expect(verdict(false, gitWith({ "latest.json": fullRun(), "bandit-latest.json": banditRun() }))).toBe("FAILED");
    expect(runCheck(withMix(false), { sections: ["http"], git }).failed).toBe(true);
  });

  it("passes an unchanged run and fails a slower one, with a table naming the regressions", () => {
    const git = gitWith({ "latest.json": fullRun(), "bandit-latest.json": banditRun() });
    const same = runCheck(fullRun("2026-11-23T00:00:00.000Z"), { sections: ["micro", "http"], git });
    expect(same.failed).toBe(false);
    expect(same.comparisons.every((c) => c.verdict === "ok")).toBe(true);
    expect(same.text).toContain("check passed");

    // 30 % slower micro-benchmarks and CPU per request, 30 % lower saturation throughput.
    const slow = runCheck(fullRun("2026-11-23T00:00:00.000Z", 1.3), { sections: ["micro", "http"], git });
    expect(slow.failed).toBe(true);
    const regressed = slow.comparisons.filter((c) => c.verdict === "REGRESSED").map((c) => c.id);
    expect(regressed).toEqual(expect.arrayContaining(["micro.classify.median", "micro.parse_request.median", "http.rank_1k_saturation.rps", "http.rank_1k_saturation.cpu"]));
    // Latencies did not change in the fixture.
    expect(regressed.some((id) => id.endsWith(".p50"))).toBe(false);
    expect(slow.text).toMatch(/\| \(a\) persona classification: median \| 22\.64 µs \| abc1234 2026-11-21 \| 29\.43 µs \| \+30\.0 % \|  \| \*\*REGRESSED\*\* \|/);
    expect(slow.text).toContain("check FAILED (exit 1)");
  });

  it("divides out the machine's drift when both runs carry the machine reference: a slower VM passes, slower code fails", () => {
    // A run with the reference rows: the micro calibration workload and hello-world's CPU per request.
    const withReference = (timestamp: string, machine: number, code: number) => {
      const run = fullRun(timestamp, machine * code);
      run.micro.push({ id: "calibration", name: "(reference) machine speed", opsPerBatch: 10, batches: 1000, medianUs: 30 * machine, p99Us: 40 * machine, minUs: 29, target: null, medianMet: null, p99Met: null });
      run.http.scenarios.push({ id: "hello_saturation", name: "hello-world Worker, saturation (Node closed loop)", catalogItems: null as unknown as number, criteria: null, result: load("closed-loop", 22000 / machine, 2, 3, 5, 44 * machine) });
      return run;
    };
    const git = gitWith({ "latest.json": withReference("2026-11-21T06:38:22.300Z", 1, 1) });
    // Everything 40 % slower, the reference too: the machine, not aura.
    const slowMachine = runCheck(withReference("2026-11-23T00:00:00.000Z", 1.4, 1), { sections: ["micro", "http"], git });
    expect(slowMachine.comparisons.filter((c) => c.verdict === "REGRESSED").map((c) => c.id)).toEqual([]);
    expect(slowMachine.failed).toBe(false);
    expect(slowMachine.text).toContain("moved +40.0 % since the baseline");
    const classify = slowMachine.comparisons.find((c) => c.id === "micro.classify.median")!;
    expect(classify.changePct).toBeCloseTo(40, 6);
    expect(classify.adjustedPct).toBeCloseTo(0, 6);
    // aura 30 % slower on an unchanged machine: caught.
    const slowCode = runCheck(withReference("2026-11-23T00:00:00.000Z", 1, 1.3), { sections: ["micro", "http"], git });
    expect(slowCode.failed).toBe(true);
    expect(slowCode.comparisons.filter((c) => c.verdict === "REGRESSED").map((c) => c.id)).toEqual(expect.arrayContaining(["micro.classify.median", "http.rank_1k_saturation.rps", "http.rank_1k_saturation.cpu"]));
    // Both at once: the code's 30 % still shows after the machine's 40 % is divided out.
    const both = runCheck(withReference("2026-11-23T00:00:00.000Z", 1.4, 1.3), { sections: ["micro", "http"], git });
    expect(both.comparisons.find((c) => c.id === "micro.classify.median")!.verdict).toBe("REGRESSED");
  });

  it("judges the bundle's size as it is (no machine drift), with a floor of 10 KB", () => {
    const sized = (timestamp: string, bytes: number, machine = 1) => {
      const run = fullRun(timestamp);
      run.http.bundleBytes = bytes;
      run.http.scenarios.push({ id: "hello_saturation", name: "hello-world Worker, saturation (Node closed loop)", catalogItems: null as unknown as number, criteria: null, result: load("closed-loop", 22000 / machine, 2, 3, 5, 44 * machine) });
      return run;
    };
    const git = gitWith({ "latest.json": sized("2026-11-21T06:38:22.300Z", 1_830_000) });
    const bundle = (bytes: number, machine?: number) => runCheck(sized("2026-11-23T00:00:00.000Z", bytes, machine), { sections: ["http"], git }).comparisons.find((c) => c.id === "http.bundle.bytes")!;
    // zod's namespace and the SDK's every resource back: 3.16 MB.
    expect(bundle(3_160_000)).toMatchObject({ verdict: "REGRESSED", adjustedPct: null });
    // The same on a machine twice as slow: sizes do not drift with it.
    expect(bundle(3_160_000, 2).verdict).toBe("REGRESSED");
    expect(bundle(1_838_000).verdict).toBe("ok");
    expect(bundle(1_000_000).verdict).toBe("improved");
  });

  it("fails on a broken absolute requirement even when the timings are fine", () => {
    const git = gitWith({ "bandit-latest.json": banditRun() });
    const result = runCheck(banditRun("2026-11-23T00:00:00.000Z", { reconciled: false }), { sections: ["bandit"], git });
    expect(result.comparisons.find((c) => c.id === "bandit.pipeline.reconciliation")?.verdict).toBe("FAILED");
    expect(result.failed).toBe(true);
  });

  it("compares a --quick run's sized figures as new/missing rather than against the full run, and says so", () => {
    const git = gitWith({ "bandit-latest.json": banditRun() });
    const quick = banditRun("2026-11-23T00:00:00.000Z", { rounds: 10000, seeds: 10 });
    quick.meta.quick = true;
    const result = runCheck(quick, { sections: ["bandit"], git });
    const verdicts = new Map(result.comparisons.map((c) => [c.id, c.verdict]));
    expect(verdicts.get("bandit.regret.spread.b100.thompson@10000x10")).toBe("new");
    expect(verdicts.get("bandit.regret.spread.b100.thompson@20000x20")).toBe("missing");
    expect(verdicts.get("bandit.draws.sample_beta_prior.median")).toBe("ok");
    expect(result.failed).toBe(false);
    expect(result.text).toContain("--quick run compared with full-run figures");
  });

  it("only judges the sections asked for, and says when an asked section produced nothing", () => {
    const git = gitWith({ "latest.json": fullRun() });
    const run = { ...fullRun("2026-11-23T00:00:00.000Z"), http: null };
    const result = runCheck(run, { sections: ["micro", "http"], git });
    expect(new Set(result.comparisons.map((c) => c.section))).toEqual(new Set(["micro"]));
    expect(result.text).toContain("http: no figures in this run");
  });
});
