// The engagement simulator against the truth it is given: marginal funnel rates within sampling error over 200k
// customers, per-customer determinism whatever the input order, modifiers, clipping and the demo truth's shape.
import { describe, expect, it } from "vitest";
import { createRng } from "../catalog/prng";
import {
  customerRates,
  defaultSimulationTruth,
  simulateEngagement,
  simulationTruthFor,
  treatmentEffect,
  type EngagementRow,
  type SimulatedCustomer,
  type SimulationTruth,
} from "./simulate";
import { STRATEGIES, STRATEGIES_FOR, type Lifecycle } from "./strategies";

const ARMS = [
  { arm: "control", variant_id: null, strategy: null },
  { arm: "treatment_1", variant_id: "v1", strategy: "urgency" },
  { arm: "treatment_2", variant_id: "v2", strategy: "win_back" },
  { arm: "treatment_3", variant_id: "v3", strategy: "value" },
] as const;

function customers(n: number, segments: readonly string[], features: (i: number) => Record<string, number> = () => ({})): SimulatedCustomer[] {
  return Array.from({ length: n }, (_, i) => {
    const a = ARMS[i % ARMS.length]!;
    return {
      customer_id: `cust_${i}`,
      segment_id: segments[Math.floor(i / ARMS.length) % segments.length]!,
      arm: a.arm,
      variant_id: a.variant_id === null ? null : `${a.variant_id}`,
      strategy: a.strategy,
      features: features(i),
    };
  });
}

/** Observed rates of a group and whether each lies within 3 binomial standard errors of its truth. */
function expectRates(rows: readonly EngagementRow[], truth: { open: number; click: number; convert: number }, label: string): void {
  const n = rows.length;
  const observed = {
    open: rows.filter((r) => r.opened).length / n,
    click: rows.filter((r) => r.clicked).length / n,
    convert: rows.filter((r) => r.converted).length / n,
  };
  for (const stage of ["open", "click", "convert"] as const) {
    const p = truth[stage];
    const se = Math.sqrt((p * (1 - p)) / n);
    if (!(Math.abs(observed[stage] - p) <= 3 * se)) {
      expect.fail(`${label} ${stage}: observed ${observed[stage]} vs truth ${p} (3 SE = ${3 * se}, n = ${n})`);
    }
  }
}

const TRUTH: SimulationTruth = {
  baseline: { default: { open: 0.3, click: 0.08, convert: 0.03 }, at_risk: { open: 0.2, click: 0.04, convert: 0.01 } },
  effects: {
    at_risk: { urgency: 1.5, win_back: 1.2 },
    // v3 singled out by id: its strategy (value) says 1.3, the variant 0.8.
    default: { value: 1.3, v3: 0.8, urgency: 1.1 },
  },
};

describe("simulateEngagement", () => {
  it("reproduces the truth's marginal open, click and convert rates per segment and arm over 200k customers (±3 SE)", () => {
    const population = customers(200_000, ["at_risk", "cust_cluster_0"]);
    const rows = simulateEngagement(population, TRUTH, 11);
    // Truth written out by hand: click and convert scale by the effect, opens do not.
    const expected: Record<string, Record<string, { open: number; click: number; convert: number }>> = {
      at_risk: {
        control: { open: 0.2, click: 0.04, convert: 0.01 },
        treatment_1: { open: 0.2, click: 0.06, convert: 0.015 },
        treatment_2: { open: 0.2, click: 0.048, convert: 0.012 },
        treatment_3: { open: 0.2, click: 0.04, convert: 0.01 }, // value is not in at_risk's table, and it does not fall back to default
      },
      cust_cluster_0: {
        control: { open: 0.3, click: 0.08, convert: 0.03 },
        treatment_1: { open: 0.3, click: 0.088, convert: 0.033 },
        treatment_2: { open: 0.3, click: 0.08, convert: 0.03 },
        treatment_3: { open: 0.3, click: 0.064, convert: 0.024 },
      },
    };
    for (const [segment, arms] of Object.entries(expected)) {
      for (const [arm, truth] of Object.entries(arms)) {
        const group = rows.filter((_, i) => population[i]!.segment_id === segment && population[i]!.arm === arm);
        expect(group.length).toBe(25_000);
        expectRates(group, truth, `${segment}/${arm}`);
      }
    }
    // The funnel: no click without an open, no conversion without a click.
    expect(rows.every((r) => (!r.clicked || r.opened) && (!r.converted || r.clicked))).toBe(true);
  }, 30_000);

  it("gives each customer the same draws for the same seed, whatever the input order or company", () => {
    const population = customers(5000, ["at_risk", "cust_cluster_0"]);
    const first = simulateEngagement(population, TRUTH, 7);
    expect(simulateEngagement(population, TRUTH, 7)).toEqual(first);

    const shuffled = [...population];
    const rng = createRng(3);
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    const byId = new Map(first.map((r) => [r.customer_id, r]));
    const reordered = simulateEngagement(shuffled, TRUTH, 7);
    expect(reordered.map((r) => r.customer_id)).toEqual(shuffled.map((c) => c.customer_id));
    for (const r of reordered) expect(r).toEqual(byId.get(r.customer_id));
    // A subset simulated alone gets the same results as inside the whole population.
    for (const r of simulateEngagement(population.slice(100, 200), TRUTH, 7)) expect(r).toEqual(byId.get(r.customer_id));

    // Another seed is another draw.
    const other = simulateEngagement(population, TRUTH, 8);
    const changed = other.filter((r, i) => r.opened !== first[i]!.opened).length;
    expect(changed).toBeGreaterThan(0.2 * population.length);
  });

  it("applies modifiers to treated customers above the threshold only, compounding with the effect", () => {
    const truth: SimulationTruth = {
      baseline: { default: { open: 0.4, click: 0.1, convert: 0.04 } },
      effects: { default: { urgency: 1.2 } },
      modifiers: [{ attribute: "tenure_days", above: 365, multiplier: 1.5 }],
    };
    const population = customers(160_000, ["s"], (i) => ({ tenure_days: Math.floor(i / 4) % 2 === 0 ? 100 : 800 })).map((c) =>
      c.arm === "control" ? c : { ...c, arm: "treatment_1", variant_id: "v1", strategy: "urgency" },
    );
    const rows = simulateEngagement(population, truth, 5);
    const group = (treated: boolean, long: boolean) => rows.filter((_, i) => (population[i]!.arm !== "control") === treated && (population[i]!.features.tenure_days! > 365) === long);
    expectRates(group(false, false), { open: 0.4, click: 0.1, convert: 0.04 }, "control, short tenure");
    expectRates(group(false, true), { open: 0.4, click: 0.1, convert: 0.04 }, "control, long tenure (never modified)");
    expectRates(group(true, false), { open: 0.4, click: 0.12, convert: 0.048 }, "treated, short tenure");
    expectRates(group(true, true), { open: 0.4, click: 0.18, convert: 0.072 }, "treated, long tenure");
    // A customer without the attribute is not modified; exactly at the threshold is not above it.
    const base = { customer_id: "x", segment_id: "s", arm: "treatment_1", variant_id: "v1", strategy: "urgency" };
    expect(treatmentEffect({ ...base, features: {} }, truth)).toBeCloseTo(1.2, 12);
    expect(treatmentEffect({ ...base, features: { tenure_days: 365 } }, truth)).toBeCloseTo(1.2, 12);
    expect(treatmentEffect({ ...base, features: { tenure_days: 366 } }, truth)).toBeCloseTo(1.8, 12);
  }, 30_000);

  it("clips an effect that would push clicks above opens (or conversions above clicks) to the stage before", () => {
    const truth: SimulationTruth = { baseline: { default: { open: 0.2, click: 0.1, convert: 0.05 } }, effects: { default: { urgency: 3 } } };
    const treated: SimulatedCustomer = { customer_id: "c", segment_id: "s", arm: "treatment_1", variant_id: "v1", strategy: "urgency", features: {} };
    expect(customerRates(treated, truth)).toEqual({ open: 0.2, click: 0.2, convert: 0.15000000000000002 });
    const population = Array.from({ length: 40_000 }, (_, i) => ({ ...treated, customer_id: `c${i}` }));
    const rows = simulateEngagement(population, truth, 1);
    // Every opener clicks.
    expect(rows.every((r) => r.opened === r.clicked)).toBe(true);
    expectRates(rows, { open: 0.2, click: 0.2, convert: 0.15 }, "clipped");
  });

  it("gives control no effect, prefers a variant id over its strategy, and keeps a listed segment to its own table", () => {
    const c = (segment_id: string, arm: string, variant_id: string | null, strategy: string | null): SimulatedCustomer => ({ customer_id: "x", segment_id, arm, variant_id, strategy, features: {} });
    expect(treatmentEffect(c("cust_cluster_0", "control", null, null), TRUTH)).toBe(1);
    expect(treatmentEffect(c("cust_cluster_0", "treatment_3", "v3", "value"), TRUTH)).toBe(0.8);
    expect(treatmentEffect(c("cust_cluster_0", "treatment_3", "v9", "value"), TRUTH)).toBe(1.3);
    expect(treatmentEffect(c("at_risk", "treatment_3", "v9", "value"), TRUTH)).toBe(1);
    expect(treatmentEffect(c("at_risk", "treatment_1", "v1", "urgency"), TRUTH)).toBe(1.5);
  });

  it("rejects a truth no funnel can produce", () => {
    const one: SimulatedCustomer[] = customers(4, ["s"]);
    expect(() => simulateEngagement(one, { baseline: { default: { open: 0.1, click: 0.2, convert: 0.01 } }, effects: {} }, 1)).toThrow(RangeError);
    expect(() => simulateEngagement(one, { baseline: { default: { open: 0.3, click: 0.1, convert: 0.01 } }, effects: { s: { urgency: -1 } } }, 1)).toThrow(RangeError);
    expect(() => simulateEngagement(one, { baseline: { default: { open: 0.3, click: 0.1, convert: 0.01 } }, effects: {}, modifiers: [{ attribute: "a", above: Number.NaN, multiplier: 2 }] }, 1)).toThrow(RangeError);
  });
});

describe("defaultSimulationTruth", () => {
  it("is a valid funnel everywhere and uses every strategy the generator can pick", () => {
    for (const r of Object.values(defaultSimulationTruth.baseline)) {
      expect(r.convert).toBeLessThanOrEqual(r.click);
      expect(r.click).toBeLessThanOrEqual(r.open);
    }
    const used = new Set(Object.values(defaultSimulationTruth.effects).flatMap((t) => Object.keys(t)));
    for (const s of STRATEGIES) expect(used.has(s)).toBe(true);
    for (const key of used) expect((STRATEGIES as readonly string[]).includes(key)).toBe(true);
  });

  it("makes each lifecycle's first-choice strategy the true best for its campaign segment", () => {
    for (const [lifecycle, preferred] of Object.entries(STRATEGIES_FOR) as [Lifecycle, readonly string[]][]) {
      const table = defaultSimulationTruth.effects[`rfm_${lifecycle}`]!;
      const best = Object.entries(table).sort((a, b) => b[1] - a[1])[0]![0];
      expect(best, lifecycle).toBe(preferred[0]);
      expect(defaultSimulationTruth.baseline[`rfm_${lifecycle}`], lifecycle).toBeDefined();
    }
  });

  it("simulates k-means clusters with their lifecycle's rows via simulationTruthFor", () => {
    const truth = simulationTruthFor([{ id: "cluster_2", lifecycle: "lapsed" }, { id: "champions", lifecycle: "best" }]);
    expect(truth.baseline["cluster_2"]).toEqual(defaultSimulationTruth.baseline["rfm_lapsed"]);
    expect(truth.effects["cluster_2"]).toEqual(defaultSimulationTruth.effects["rfm_lapsed"]);
    // A segment the base already lists keeps its own rows.
    expect(truth.effects["champions"]).toEqual(defaultSimulationTruth.effects["champions"]);
    expect(truth.modifiers).toEqual(defaultSimulationTruth.modifiers);
    expect(defaultSimulationTruth.baseline["cluster_2"]).toBeUndefined();
  });
});
