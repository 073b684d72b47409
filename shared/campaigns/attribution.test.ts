// Attribution against statsmodels/scikit-learn fits of the same table (reference/attribution.py), and against a
// simulation whose only true effect modifier is tenure: it must rank first and read as "more responsive".
import { describe, expect, it } from "vitest";
import { createRng } from "../catalog/prng";
import { expectClose } from "../stats/expect-close";
import { attributeResponse, type AttributionResult } from "./attribution";
import type { CampaignOutcome } from "./report";
import { simulateEngagement, type SimulatedCustomer, type SimulationTruth } from "./simulate";

// python3 shared/campaigns/reference/attribution.py — 400 rows, 114 conversions, 297 treated
const ATTRIBUTION_REFERENCE = {
  l2_0: {
    intercept: -1.9399673738294456, treatment: 1.2558941679162337,
    main_effect: { age: -0.011027100007203517, tenure_days: -0.08766032148858872 },
    treatment_interaction: { age: 0.09791125570210334, tenure_days: 0.4155365655383657 },
    interaction_se: { age: 0.32750449702584167, tenure_days: 0.3230118727861184 },
    interaction_p_value: { age: 0.7649693747518227, tenure_days: 0.3965765611403458 },
  },
  l2_1: {
    intercept: -1.8399572934056552, treatment: 1.1388014537204607,
    main_effect: { age: -0.0001794074436934708, tenure_days: -0.04505052899250343 },
    treatment_interaction: { age: 0.08598332406662433, tenure_days: 0.3690163995651305 },
    interaction_se: { age: 0.2927672614665694, tenure_days: 0.290081413856288 },
    interaction_p_value: { age: 0.7689934728215978, tenure_days: 0.406665794041025 },
  },
} as const;

/** The reference script's 400 customers, drawn with the same mulberry32 stream in the same order. */
function referenceTable(): CampaignOutcome[] {
  const rng = createRng(4242);
  return Array.from({ length: 400 }, (_, i) => {
    const tenure = Math.floor(rng.next() * 1500);
    const age = 18 + Math.floor(rng.next() * 60);
    const treated = rng.next() < 0.75;
    const rate = treated ? (tenure > 365 ? 0.35 : 0.15) : 0.12;
    const converted = rng.next() < rate;
    return {
      customer_id: `ref_${i}`,
      segment_id: "s",
      arm: treated ? "treatment_1" : "control",
      variant_id: treated ? "v1" : null,
      strategy: treated ? "urgency" : null,
      features: { tenure_days: tenure, age },
      opened: converted,
      clicked: converted,
      converted,
    };
  });
}

function feature(result: AttributionResult, name: string) {
  const f = result.features.find((x) => x.feature === name);
  if (!f) throw new Error(`no attribution for ${name}`);
  return f;
}

function expectMatchesReference(result: AttributionResult, ref: (typeof ATTRIBUTION_REFERENCE)["l2_0" | "l2_1"]): void {
  expect(result.model).not.toBeNull();
  expectClose(result.model!.intercept, ref.intercept, { abs: 1e-5 }, "intercept");
  expectClose(result.model!.treatment, ref.treatment, { abs: 1e-5 }, "treatment");
  for (const name of ["age", "tenure_days"] as const) {
    const f = feature(result, name);
    expectClose(f.main_effect, ref.main_effect[name], { abs: 1e-5 }, `${name} main effect`);
    expectClose(f.treatment_interaction, ref.treatment_interaction[name], { abs: 1e-5 }, `${name} interaction`);
    expectClose(f.interaction_se, ref.interaction_se[name], { abs: 1e-5 }, `${name} interaction SE`);
    expectClose(f.interaction_p_value, ref.interaction_p_value[name], { rel: 1e-4 }, `${name} interaction p`);
  }
}

/** Customers for the simulation tests: uniform tenure over four years and age 18–77, independent of each other and of the arm. */
function population(n: number, seed: number, extra: (rng: ReturnType<typeof createRng>) => Record<string, number> = () => ({})): SimulatedCustomer[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, (_, i) => {
    const treated = i % 2 === 1;
    return {
      customer_id: `sim_${seed}_${i}`,
      segment_id: "cust_cluster_0",
      arm: treated ? "treatment_1" : "control",
      variant_id: treated ? "v1" : null,
      strategy: treated ? "urgency" : null,
      features: { tenure_days: rng.int(0, 1460), age: rng.int(18, 77), ...extra(rng) },
    };
  });
}

function outcomesOf(customers: readonly SimulatedCustomer[], truth: SimulationTruth, seed: number): CampaignOutcome[] {
  const rows = simulateEngagement(customers, truth, seed);
  return customers.map((c, i) => ({ ...c, ...rows[i]! }));
}

const MODIFIED_BY_TENURE: SimulationTruth = {
  baseline: { default: { open: 0.4, click: 0.15, convert: 0.06 } },
  effects: {},
  modifiers: [{ attribute: "tenure_days", above: 365, multiplier: 1.6 }],
};

describe("attributeResponse", () => {
  it("fits the same coefficients and standard errors as statsmodels' maximum-likelihood Logit (l2 = 0)", () => {
    expectMatchesReference(attributeResponse(referenceTable(), "converted", { l2: 0 }), ATTRIBUTION_REFERENCE.l2_0);
  });

  it("fits the same coefficients as scikit-learn LogisticRegression(C = 1) with its default ridge (l2 = 1)", () => {
    const result = attributeResponse(referenceTable(), "converted");
    expectMatchesReference(result, ATTRIBUTION_REFERENCE.l2_1);
    expect(result.model!.l2).toBe(1);
    expect(result.model!.rows).toBe(400);
    expect(result.model!.events).toBe(114);
  });

  it("ranks tenure first as the attribute that makes customers more responsive when only tenure modifies the effect", () => {
    const customers = population(40_000, 1);
    const result = attributeResponse(outcomesOf(customers, MODIFIED_BY_TENURE, 17), "converted");
    const [first, second] = result.features;
    expect(first!.feature).toBe("tenure_days");
    expect(first!.direction).toBe("more_responsive");
    expect(first!.treatment_interaction).toBeGreaterThan(0.1);
    // No baseline effect in the truth: tenure's main effect (its slope in control) is small next to its interaction.
    expect(Math.abs(first!.main_effect)).toBeLessThan(first!.treatment_interaction / 2);
    expect(second!.feature).toBe("age");
    expect(second!.direction).toBe("neutral");
    expect(Math.abs(second!.treatment_interaction)).toBeLessThan(first!.treatment_interaction / 4);
    expect(second!.importance).toBeLessThan(first!.importance / 10);
    expect(result.model!.auc).toBeGreaterThan(0.5);
  });

  it("reads a modifier below 1 as less responsive", () => {
    const truth: SimulationTruth = { ...MODIFIED_BY_TENURE, effects: { default: { urgency: 1.8 } }, modifiers: [{ attribute: "tenure_days", above: 730, multiplier: 0.5 }] };
    const result = attributeResponse(outcomesOf(population(40_000, 2), truth, 5), "converted");
    expect(result.features[0]!.feature).toBe("tenure_days");
    expect(result.features[0]!.direction).toBe("less_responsive");
    expect(feature(result, "age").direction).toBe("neutral");
  });

  it("separates a baseline driver (main effect, no interaction) from an effect modifier", () => {
    // Age drives the baseline through segment rates: older customers are a segment with twice the conversion rate.
    const customers = population(40_000, 3).map((c) => ({ ...c, segment_id: c.features.age! >= 50 ? "older" : "younger" }));
    const truth: SimulationTruth = {
      baseline: { default: { open: 0.4, click: 0.15, convert: 0.04 }, older: { open: 0.4, click: 0.15, convert: 0.08 } },
      effects: {},
      modifiers: [{ attribute: "tenure_days", above: 365, multiplier: 1.6 }],
    };
    const result = attributeResponse(outcomesOf(customers, truth, 9), "converted");
    const age = feature(result, "age");
    const tenure = feature(result, "tenure_days");
    expect(age.main_effect).toBeGreaterThan(0.2);
    expect(age.direction).toBe("neutral");
    expect(tenure.direction).toBe("more_responsive");
    expect(tenure.treatment_interaction).toBeGreaterThan(Math.abs(age.treatment_interaction) * 3);
  });

  it("returns notes instead of coefficients for tiny samples or a campaign without both control and treatment", () => {
    const tiny = attributeResponse(referenceTable().slice(0, 30), "converted");
    expect(tiny.features).toEqual([]);
    expect(tiny.model).toBeNull();
    expect(tiny.notes.join(" ")).toMatch(/at least 10/);

    const allTreated = attributeResponse(referenceTable().filter((o) => o.arm !== "control"), "converted");
    expect(allTreated.features).toEqual([]);
    expect(allTreated.notes.join(" ")).toMatch(/treatment arms/);

    expect(attributeResponse([], "clicked").notes).toEqual(["No outcomes: nothing to attribute."]);

    // 114 events support at most 4 attributes at 10 events per coefficient; 60 events support 2.
    const few = referenceTable().slice(0, 220);
    const events = few.filter((o) => o.converted).length;
    const result = attributeResponse(few.map((o, i) => ({ ...o, features: { ...o.features, noise_a: i % 7, noise_b: i % 11, noise_c: i % 13 } })), "converted");
    expect(result.features.length).toBe(Math.floor((events / 10 - 2) / 2));
    expect(result.notes.join(" ")).toMatch(/left out/);
  });

  it("drops constant attributes and imputes missing values with a note", () => {
    const table = referenceTable().map((o, i) => {
      const features: Record<string, number> = { ...o.features, country_us: 1 };
      if (i % 10 === 0) delete features.age;
      if (i === 5) features.tenure_days = Number.NaN;
      return { ...o, features };
    });
    const result = attributeResponse(table, "converted");
    expect(result.features.map((f) => f.feature).sort()).toEqual(["age", "tenure_days"]);
    const notes = result.notes.join(" ");
    expect(notes).toMatch(/Constant attributes dropped.*country_us/);
    expect(notes).toMatch(/age: 40 of 400 customers have no value/);
    expect(notes).toMatch(/tenure_days: 1 of 400/);
  });

  it("caps the attributes at 30, keeping the effect modifier among them", () => {
    const customers = population(20_000, 4, (rng) => Object.fromEntries(Array.from({ length: 40 }, (_, j) => [`noise_${String(j).padStart(2, "0")}`, rng.next()])));
    const result = attributeResponse(outcomesOf(customers, MODIFIED_BY_TENURE, 3), "clicked");
    expect(result.features.length).toBe(30);
    expect(result.features[0]!.feature).toBe("tenure_days");
    expect(result.notes.join(" ")).toMatch(/12 attribute\(s\) left out.*the cap is 30/);
    // With 30 noise-ridden attributes, Holm keeps the false "more/less responsive" verdicts rare.
    expect(result.features.filter((f) => f.feature.startsWith("noise") && f.direction !== "neutral").length).toBeLessThanOrEqual(1);
  }, 60_000);

  it("gives the same answer for the same input", () => {
    const table = referenceTable();
    expect(attributeResponse(table, "converted")).toEqual(attributeResponse(table, "converted"));
  });
});
