// The campaign report against statsmodels/scipy on a hand-made table (reference/report.py), against simulations
// with known truth (the true best strategy wins; with no effects, false winners are as rare as alpha promises),
// and the HTML page's escaping and self-containment.
import { describe, expect, it } from "vitest";
import { hash32 } from "../hash";
import { expectClose } from "../stats/expect-close";
import { twoProportionTest } from "../stats/proportions";
import { buildCampaignReport, escapeHtml, renderCampaignReportHtml, type CampaignOutcome, type CampaignReportOptions } from "./report";
import { simulateEngagement, type SimulatedCustomer, type SimulationTruth } from "./simulate";

// Mirrors TABLE in reference/report.py: segment → arm → [customers, conversions].
const TABLE: Record<string, Record<string, [number, number]>> = {
  at_risk: { control: [800, 12], treatment_1: [790, 25], treatment_2: [805, 9], treatment_3: [812, 14] },
  cust_cluster_0: { control: [1200, 60], treatment_1: [1180, 84], treatment_2: [1210, 62], treatment_3: [1195, 97] },
};

// python3 shared/campaigns/reference/report.py
const SEGMENT_REFERENCE = [
  { segment: "at_risk", arm: "treatment_1", absolute: 0.016645569620253167, absolute_ci: [0.0018146133401138811, 0.03147652590039245],
    relative: 1.1097046413502114, relative_ci: [-0.32755321331075415, 2.5469624960111767], p_value: 0.027718400703293525, p_value_holm: 0.1385920035164676,
    probability_to_beat_control: 0.9857384715982607, expected_loss: 3.9229639241171505e-05 },
  { segment: "at_risk", arm: "treatment_2", absolute: -0.0038198757763975143, absolute_ci: [-0.014942015957426242, 0.007302264404631213],
    relative: -0.2546583850931676, relative_ci: [-0.894687923089954, 0.3853711529036188], p_value: 0.5007230808660021, p_value_holm: 1.0,
    probability_to_beat_control: 0.2554897757076411, expected_loss: 0.004721634392442636 },
  { segment: "at_risk", arm: "treatment_3", absolute: 0.002241379310344828, absolute_ci: [-0.010051186935544274, 0.01453394555623393],
    relative: 0.14942528735632177, relative_ci: [-0.72970007821611, 1.0285506529287536], p_value: 0.7209598357392661, p_value_holm: 1.0,
    probability_to_beat_control: 0.6360130838729492, expected_loss: 0.0016076915899243171 },
  { segment: "cust_cluster_0", arm: "treatment_1", absolute: 0.0211864406779661, absolute_ci: [0.0020212070791166444, 0.04035167427681556],
    relative: 0.423728813559322, relative_ci: [-0.03386054421356993, 0.881318171332214], p_value: 0.030196044624914972, p_value_holm: 0.1385920035164676,
    probability_to_beat_control: 0.9847813061391116, expected_loss: 5.316597646415777e-05 },
  { segment: "cust_cluster_0", arm: "treatment_2", absolute: 0.0012396694214876006, absolute_ci: [-0.016264502149038126, 0.018743840992013327],
    relative: 0.024793388429751984, relative_ci: [-0.3296241887743182, 0.3792109656338222], p_value: 0.8896081114766714, p_value_holm: 1.0,
    probability_to_beat_control: 0.5547692358226102, expected_loss: 0.002995430963445472 },
  { segment: "cust_cluster_0", arm: "treatment_3", absolute: 0.031171548117154807, absolute_ci: [0.01137730350340424, 0.050965792730905374],
    relative: 0.623430962343096, relative_ci: [0.11726623303911354, 1.1295956916470784], p_value: 0.0020574622065122395, p_value_holm: 0.012344773239073438,
    probability_to_beat_control: 0.9989806590152772, expected_loss: 2.882459642031676e-06 },
] as const;
const OVERALL_REFERENCE = {
  absolute: 0.012564753004005343, absolute_ci: [0.002752530818992816, 0.02237697518901787], p_value: 0.019456884147012885,
  probability_to_beat_control: 0.9906380924146179,
  slot_p_values: [0.0035086563499176367, 0.8960531724133177, 0.0034230031989338923],
  slot_p_values_holm: [0.010269009596801677, 0.8960531724133177, 0.010269009596801677],
} as const;
const SRM_REFERENCE = {
  "at_risk": { chi_square: 0.320236981602744, p_value: 0.9561785852334893 },
  "cust_cluster_0": { chi_square: 0.39184952978056425, p_value: 0.9419209972117005 },
} as const;

const STRATEGY_OF_SLOT = ["urgency", "win_back", "value"] as const;

function variantsFor(segments: readonly string[], strategies: readonly string[] = STRATEGY_OF_SLOT): CampaignReportOptions["variants"] {
  return segments.flatMap((segment) => strategies.map((strategy, i) => ({ variant_id: `${segment}_v${i + 1}`, segment_id: segment, strategy, subject: `${strategy} for ${segment}` })));
}

/** One outcome per customer of TABLE: converters also clicked and opened; as many again clicked only; twice as many opened only. */
function tableOutcomes(table: Record<string, Record<string, [number, number]>> = TABLE): CampaignOutcome[] {
  const out: CampaignOutcome[] = [];
  for (const [segment, arms] of Object.entries(table)) {
    for (const [arm, [units, conversions]] of Object.entries(arms)) {
      const slot = arm === "control" ? 0 : Number(arm.slice("treatment_".length));
      for (let i = 0; i < units; i++) {
        out.push({
          customer_id: `${segment}_${arm}_${i}`,
          segment_id: segment,
          arm,
          variant_id: slot === 0 ? null : `${segment}_v${slot}`,
          strategy: slot === 0 ? null : STRATEGY_OF_SLOT[slot - 1]!,
          features: { tenure_days: (i * 37) % 1500, age: 18 + ((i * 13) % 60) },
          opened: i < 4 * conversions,
          clicked: i < 2 * conversions,
          converted: i < conversions,
        });
      }
    }
  }
  return out;
}

const OPTIONS: CampaignReportOptions = { metric: "converted", simulated: false, generator: "claude", variants: variantsFor(Object.keys(TABLE)) };

describe("buildCampaignReport on a hand-made table", () => {
  const report = buildCampaignReport(tableOutcomes(), OPTIONS);

  it("gives each variant the lift, CI, p-value and Bayesian probability statsmodels and scipy give", () => {
    for (const ref of SEGMENT_REFERENCE) {
      const arm = report.segments.find((s) => s.segment_id === ref.segment)!.arms.find((a) => a.arm === ref.arm)!;
      const lift = arm.lift!;
      const label = `${ref.segment}/${ref.arm}`;
      // The report rounds rates and lifts to 6 decimals and p-values to 6 significant digits.
      expectClose(lift.absolute!, ref.absolute, { abs: 1e-6 }, `${label} absolute`);
      expectClose(lift.absolute_ci[0]!, ref.absolute_ci[0], { abs: 1e-6 }, `${label} absolute_ci lo`);
      expectClose(lift.absolute_ci[1]!, ref.absolute_ci[1], { abs: 1e-6 }, `${label} absolute_ci hi`);
      expectClose(lift.relative!, ref.relative, { abs: 1e-6 }, `${label} relative`);
      expectClose(lift.relative_ci[0]!, ref.relative_ci[0], { abs: 1e-6 }, `${label} relative_ci lo`);
      expectClose(lift.relative_ci[1]!, ref.relative_ci[1], { abs: 1e-6 }, `${label} relative_ci hi`);
      expectClose(lift.p_value, ref.p_value, { rel: 1e-5 }, `${label} p`);
      expectClose(lift.probability_to_beat_control, ref.probability_to_beat_control, { abs: 1e-6 }, `${label} P(beat)`);
      expectClose(lift.expected_loss, ref.expected_loss, { abs: 1e-8 }, `${label} expected loss`);
      // And it is twoProportionTest's answer, unchanged.
      const [units, conversions] = TABLE[ref.segment]![ref.arm]!;
      const [cUnits, cConversions] = TABLE[ref.segment]!.control!;
      const direct = twoProportionTest({ units: cUnits, conversions: cConversions }, { units, conversions });
      expectClose(lift.p_value, direct.p_value, { rel: 1e-5 }, `${label} p vs twoProportionTest`);
      expect(arm.units).toBe(units);
      expect(arm.conversions).toBe(conversions);
      expect(arm.clicks).toBe(2 * conversions);
      expect(arm.opens).toBe(4 * conversions);
      expectClose(arm.metric_rate!, conversions / units, { abs: 1e-6 });
    }
  });

  it("Holm-adjusts every variant-vs-control p-value of the campaign together, as statsmodels multipletests does", () => {
    expect(report.comparisons).toBe(6);
    for (const ref of SEGMENT_REFERENCE) {
      const lift = report.segments.find((s) => s.segment_id === ref.segment)!.arms.find((a) => a.arm === ref.arm)!.lift!;
      expectClose(lift.p_value_holm!, ref.p_value_holm, { rel: 1e-5 }, `${ref.segment}/${ref.arm} Holm`);
      expect(lift.significant).toBe(ref.p_value_holm < 0.05);
    }
  });

  it("names a winner only where an adjusted lift is significant, and says why not elsewhere", () => {
    const cluster = report.segments.find((s) => s.segment_id === "cust_cluster_0")!.winner;
    expect(cluster).toMatchObject({ status: "winner", arm: "treatment_3", variant_id: "cust_cluster_0_v3", strategy: "value" });
    const atRisk = report.segments.find((s) => s.segment_id === "at_risk")!.winner;
    // treatment_1 has p = 0.028 on its own but 0.139 after Holm over six comparisons.
    expect(atRisk).toMatchObject({ status: "no_significant_winner", arm: "treatment_1", strategy: "urgency" });
    expect(atRisk.reason).toMatch(/after Holm adjustment for 6 comparisons/);
  });

  it("pools all treatments, and each arm slot, against control", () => {
    const pooled = report.overall.lift!;
    expectClose(pooled.absolute!, OVERALL_REFERENCE.absolute, { abs: 1e-6 });
    expectClose(pooled.absolute_ci[0]!, OVERALL_REFERENCE.absolute_ci[0], { abs: 1e-6 });
    expectClose(pooled.absolute_ci[1]!, OVERALL_REFERENCE.absolute_ci[1], { abs: 1e-6 });
    expectClose(pooled.p_value, OVERALL_REFERENCE.p_value, { rel: 1e-5 });
    expectClose(pooled.probability_to_beat_control, OVERALL_REFERENCE.probability_to_beat_control, { abs: 1e-6 });
    expect(pooled.p_value_holm).toBeNull();
    expect(report.overall.control.units).toBe(2000);
    expect(report.overall.treatment.units).toBe(5992);
    const slots = report.overall.arms.filter((a) => !a.is_control);
    expect(slots.map((a) => a.arm)).toEqual(["treatment_1", "treatment_2", "treatment_3"]);
    slots.forEach((a, i) => {
      expectClose(a.lift!.p_value, OVERALL_REFERENCE.slot_p_values[i]!, { rel: 1e-5 }, `${a.arm} p`);
      expectClose(a.lift!.p_value_holm!, OVERALL_REFERENCE.slot_p_values_holm[i]!, { rel: 1e-5 }, `${a.arm} Holm`);
    });
    // Every strategy ran in both segments here, so each strategy's row is its slot's row.
    expect(report.overall.strategies.map((s) => s.strategy)).toEqual(["urgency", "value", "win_back"]);
    expect(report.overall.strategies.find((s) => s.strategy === "value")!.lift!.p_value).toBe(slots[2]!.lift!.p_value);
  });

  it("checks each segment's arm split against the designed equal allocation (scipy chisquare), and flags a broken one", () => {
    for (const [segment, ref] of Object.entries(SRM_REFERENCE)) {
      const srm = report.segments.find((s) => s.segment_id === segment)!.srm!;
      expectClose(srm.chi_square!, ref.chi_square, { abs: 1e-6 });
      expectClose(srm.p_value, ref.p_value, { rel: 1e-5 });
      expect(srm.flag).toBe(false);
    }
    // Half of one arm's results lost on import.
    const lossy = tableOutcomes().filter((o) => !(o.segment_id === "at_risk" && o.arm === "treatment_2" && hash32(o.customer_id) % 2 === 0));
    const broken = buildCampaignReport(lossy, OPTIONS);
    expect(broken.segments.find((s) => s.segment_id === "at_risk")!.srm!.flag).toBe(true);
    expect(broken.segments.find((s) => s.segment_id === "cust_cluster_0")!.srm!.flag).toBe(false);
    expect(broken.notes.join(" ")).toMatch(/at_risk: sample ratio mismatch/);
    // A designed unequal split is honoured.
    const weighted = buildCampaignReport(tableOutcomes(), { ...OPTIONS, allocation: { control: 2, treatment_1: 1, treatment_2: 1, treatment_3: 1 } });
    expect(weighted.segments.every((s) => s.srm!.flag)).toBe(true);
  });

  it("uses the requested confidence for intervals and significance", () => {
    const at90 = buildCampaignReport(tableOutcomes(), { ...OPTIONS, confidence: 0.9 });
    const lift = at90.segments.find((s) => s.segment_id === "at_risk")!.arms.find((a) => a.arm === "treatment_1")!.lift!;
    const direct = twoProportionTest({ units: 800, conversions: 12 }, { units: 790, conversions: 25 }, 0.9);
    expectClose(lift.absolute_ci[0]!, direct.absolute_ci[0], { abs: 1e-6 });
    expectClose(lift.absolute_ci[1]!, direct.absolute_ci[1], { abs: 1e-6 });
    expect(at90.confidence).toBe(0.9);
  });

  it("reports the other metrics from the same outcomes", () => {
    const clicks = buildCampaignReport(tableOutcomes(), { ...OPTIONS, metric: "clicked" });
    const arm = clicks.segments.find((s) => s.segment_id === "at_risk")!.arms.find((a) => a.arm === "treatment_1")!;
    expect(arm.metric_events).toBe(50);
    const direct = twoProportionTest({ units: 800, conversions: 24 }, { units: 790, conversions: 50 });
    expectClose(arm.lift!.p_value, direct.p_value, { rel: 1e-5 });
  });

  it("notes simulated engagement, thin arms and a campaign's attribution", () => {
    expect(report.notes.some((n) => /simulated/i.test(n))).toBe(false);
    const simulated = buildCampaignReport(tableOutcomes(), { ...OPTIONS, simulated: true });
    expect(simulated.notes[0]).toMatch(/^Engagement is simulated/);
    expect(simulated.simulated).toBe(true);

    const thin = buildCampaignReport(tableOutcomes({ tiny: { control: [40, 1], treatment_1: [41, 3], treatment_2: [39, 2], treatment_3: [40, 0] } }), {
      ...OPTIONS,
      variants: variantsFor(["tiny"]),
    });
    expect(thin.notes.join(" ")).toMatch(/tiny: small sample — control has 40 customers and 1 converted/);
    expect(thin.segments[0]!.winner.status).toBe("no_significant_winner");

    expect(report.attribution.metric).toBe("converted");
    expect(report.attribution.features.map((f) => f.feature).sort()).toEqual(["age", "tenure_days"]);
  });

  it("reports a segment whose arms cannot be compared, and arms that have no customers yet", () => {
    const lonely = buildCampaignReport(tableOutcomes({ solo: { control: [1, 0], treatment_1: [1, 1] } }), { ...OPTIONS, variants: variantsFor(["solo"]) });
    const segment = lonely.segments[0]!;
    // treatment_2 and treatment_3 were designed but nobody reached them.
    expect(segment.arms.map((a) => [a.arm, a.units])).toEqual([["control", 1], ["treatment_1", 1], ["treatment_2", 0], ["treatment_3", 0]]);
    expect(segment.arms.map((a) => a.variant_id)).toEqual([null, "solo_v1", "solo_v2", "solo_v3"]);
    expect(segment.arms.every((a) => a.lift === null)).toBe(true);
    expect(segment.winner).toMatchObject({ status: "no_significant_winner", arm: null });
    expect(segment.winner.reason).toMatch(/could be compared/);
    expect(lonely.comparisons).toBe(0);
  });
});

describe("buildCampaignReport on an empty campaign", () => {
  it("lists the designed segments and arms with no numbers, and still renders", () => {
    const report = buildCampaignReport([], { ...OPTIONS, variants: variantsFor(["at_risk"]) });
    expect(report.units).toBe(0);
    expect(report.segments.map((s) => [s.segment_id, s.arms.length, s.srm, s.winner.status])).toEqual([["at_risk", 4, null, "no_significant_winner"]]);
    expect(report.overall.lift).toBeNull();
    expect(report.attribution.features).toEqual([]);
    expect(renderCampaignReportHtml(report, { campaign_id: "c", name: "n" })).toContain("No attribution was possible.");
  });
});

// ----- simulations with known truth -----------------------------------------------------------------------

/** Customers per segment dealt round-robin over control and three treatments in hash order (as assignment does). */
function campaign(segments: Record<string, number>, salt: string): SimulatedCustomer[] {
  const out: SimulatedCustomer[] = [];
  for (const [segment, size] of Object.entries(segments)) {
    const ids = Array.from({ length: size }, (_, i) => `${salt}_${segment}_${i}`)
      .map((id) => ({ id, h: hash32(`${salt}:${id}`) }))
      .sort((a, b) => a.h - b.h || (a.id < b.id ? -1 : 1));
    ids.forEach(({ id }, i) => {
      const slot = i % 4;
      out.push({
        customer_id: id,
        segment_id: segment,
        arm: slot === 0 ? "control" : `treatment_${slot}`,
        variant_id: slot === 0 ? null : `${segment}_v${slot}`,
        strategy: slot === 0 ? null : STRATEGY_OF_SLOT[slot - 1]!,
        features: { tenure_days: hash32(`tenure:${id}`) % 1460 },
      });
    });
  }
  return out;
}

function run(customers: readonly SimulatedCustomer[], truth: SimulationTruth, seed: number, metric: CampaignReportOptions["metric"]) {
  const rows = simulateEngagement(customers, truth, seed);
  const outcomes: CampaignOutcome[] = customers.map((c, i) => ({ ...c, ...rows[i]! }));
  const segments = [...new Set(customers.map((c) => c.segment_id))];
  return buildCampaignReport(outcomes, { metric, simulated: true, generator: "template", variants: variantsFor(segments) });
}

describe("buildCampaignReport on simulated campaigns", () => {
  it("names the strategy with the true effect as each segment's winner", () => {
    const truth: SimulationTruth = {
      baseline: { default: { open: 0.3, click: 0.08, convert: 0.04 } },
      // A different true best per segment; the others do nothing (or a little).
      effects: { at_risk: { urgency: 1.7, value: 1.05 }, new: { win_back: 1.7 }, cust_cluster_0: { value: 1.7, urgency: 1.05 } },
    };
    for (const seed of [1, 2, 3]) {
      const report = run(campaign({ at_risk: 8000, new: 8000, cust_cluster_0: 8000 }, `win${seed}`), truth, seed, "converted");
      const winners = Object.fromEntries(report.segments.map((s) => [s.segment_id, [s.winner.status, s.winner.strategy]]));
      expect(winners, `seed ${seed}`).toEqual({ at_risk: ["winner", "urgency"], new: ["winner", "win_back"], cust_cluster_0: ["winner", "value"] });
      expect(report.notes[0]).toMatch(/^Engagement is simulated/);
    }
  }, 60_000);

  it("with no true effects, names a false winner in about alpha of campaigns at most, and its raw p-values are calibrated", () => {
    const truth: SimulationTruth = { baseline: { default: { open: 0.3, click: 0.1, convert: 0.03 } }, effects: {} };
    const campaigns = 100;
    let withFalseWinner = 0;
    let rawRejections = 0;
    let comparisons = 0;
    for (let seed = 0; seed < campaigns; seed++) {
      const report = run(campaign({ at_risk: 2400, cust_cluster_0: 2400 }, `null${seed}`), truth, 1000 + seed, "clicked");
      if (report.segments.some((s) => s.winner.status === "winner")) withFalseWinner++;
      for (const s of report.segments) {
        for (const a of s.arms) {
          if (a.lift === null) continue;
          comparisons++;
          if (a.lift.p_value < 0.05) rawRejections++;
        }
      }
    }
    // Holm keeps the family-wise error ≤ 0.05 per campaign: expect ≤ 5 in 100; 12 or more has probability < 0.01.
    expect(withFalseWinner).toBeLessThanOrEqual(11);
    expect(comparisons).toBe(600);
    // Unadjusted, about 5 % of null comparisons reject (30 of 600); comparisons sharing a control are correlated, hence the slack.
    expect(rawRejections / comparisons).toBeGreaterThan(0.015);
    expect(rawRejections / comparisons).toBeLessThan(0.1);
  }, 120_000);
});

describe("renderCampaignReportHtml", () => {
  const hostile = "<script>alert(1)</script>";
  const outcomes = tableOutcomes().map((o) => (o.segment_id === "at_risk" ? { ...o, segment_id: `at_risk"><img src=x onerror=alert(2)>` } : o));
  const variants = variantsFor(["cust_cluster_0"]).concat(
    variantsFor([`at_risk"><img src=x onerror=alert(2)>`]).map((v, i) => (i === 0 ? { ...v, subject: hostile, strategy: `urgency</td><script>alert(3)</script>` } : v)),
  );
  const report = buildCampaignReport(
    outcomes.map((o) => (o.variant_id?.startsWith("at_risk") ? { ...o, variant_id: o.variant_id.replace("at_risk", `at_risk"><img src=x onerror=alert(2)>`) } : o)),
    { ...OPTIONS, simulated: true, variants },
  );
  const html = renderCampaignReportHtml(report, { campaign_id: "camp_<1>", name: `Spring & "Sale" ${hostile}` });

  it("escapes every interpolated string, including a hostile subject, segment id, strategy and campaign name", () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).toContain(escapeHtml(hostile));
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("at_risk&quot;&gt;&lt;img src=x onerror=alert(2)&gt;");
    expect(html).toContain("Spring &amp; &quot;Sale&quot;");
    expect(html).toContain("camp_&lt;1&gt;");
    expect(escapeHtml(`'&<>"`)).toBe("&#39;&amp;&lt;&gt;&quot;");
  });

  it("is a self-contained, structured page: no scripts, stylesheets, fonts or images fetched from anywhere", () => {
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain('<html lang="en">');
    expect(html).not.toMatch(/<link|src=["']|@import|url\(|<iframe/i);
    // The only URL is the SVG namespace, which is never fetched.
    expect(html.match(/https?:\/\/[^"\s]+/g)).toEqual(["http://www.w3.org/2000/svg"]);
    expect(html).toMatch(/<h1>/);
    expect(html).toMatch(/<caption>/);
    expect(html).toMatch(/<th scope="col">/);
    expect(html).toMatch(/<th scope="row">/);
    expect(html).toMatch(/<svg role="img" aria-labelledby="lift-chart-title lift-chart-desc"/);
    expect(html).toContain("Simulated engagement.");
    // Six lift bars, one per segment × treatment arm.
    expect(html.match(/<rect /g)?.length).toBe(6);
  });
});
