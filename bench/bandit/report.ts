// Renders the bandit section as markdown, and splices it into the bench summary (before its Errors list).
import { defaultThompsonPolicy } from "../../shared/bandit/thompson";
import type { BanditSection } from "./index";
import type { Figure, TargetRow } from "./obd";
import { MODES, POLICIES } from "./simulate";
import { renderLearningMarkdown } from "../learning/index";

const mark = (met: boolean | null) => (met === null ? "" : met ? "✅" : "❌");
const ns = (v: number) => (v >= 10_000 ? `${(v / 1000).toFixed(1)} µs` : `${v.toFixed(v < 100 ? 1 : 0)} ns`);
const pct = (v: number, digits = 2) => (Number.isFinite(v) ? `${(v * 100).toFixed(digits)}%` : "n/a");
const CAMPAIGN_NAMES = { men: "Men's", women: "Women's", all: "All" } as const;
const ESTIMATOR_NAMES = { replay: "replay", ipw: "IPW", snipw: "SNIPW", dr: "DR" } as const;

function drawTable(section: BanditSection): string[] {
  if (!section.draws) return [];
  const out = [
    "### Thompson draw timing (Node's V8, shared/bandit imported directly)",
    "",
    "| Operation | median / op | p99 / op | Beta draws / op | median per Beta draw | target | met (median) |",
    "|---|---:|---:|---:|---:|---|---|",
  ];
  for (const d of section.draws) {
    const perDraw = d.betaDrawsPerOp > 0 ? ns(d.medianNs / d.betaDrawsPerOp) : "";
    out.push(`| ${d.name} | ${ns(d.medianNs)} | ${ns(d.p99Ns)} | ${d.betaDrawsPerOp} | ${perDraw} | ${d.targetNs === null ? "" : `≤ ${d.targetNs} ns / call`} | ${mark(d.met)} |`);
  }
  out.push("", "Batches of ≥ 200 µs after a warm-up; median and p99 over the batches' per-operation times. A busy machine inflates these (see \"other CPU\" above).", "");
  return out;
}

function regretTables(section: BanditSection): string[] {
  const r = section.regret;
  if (!r) return [];
  const out = [
    "### Regret with known arm rates",
    "",
    `Expected regret Σ (best rate − chosen arm's rate) after each checkpoint, mean ± sd over ${r.seeds} seeds of ${r.rounds.toLocaleString("en-US")} rounds; ` +
      "every policy meets the same click coins and delays in a seed. Feedback as in production: a pull counts at the next posterior refresh, " +
      "a click only once it has arrived (until then the pull counts as a failure). Our Thompson recomputes win probabilities (4,000 draws) at each refresh " +
      `and calls \`chooseArm\` with \`defaultThompsonPolicy\` (${defaultThompsonPolicy.trafficFloor * 100}% traffic floor per arm) per round; the baselines see the same refreshed counts.`,
    "",
  ];
  const checkpoints = r.rows[0]?.checkpoints.map((c) => c.round) ?? [];
  for (const scenario of r.scenarios) {
    out.push(`**${scenario.name}**`, "");
    out.push(`| Feedback | Policy | ${checkpoints.map((c) => `regret @ ${c.toLocaleString("en-US")}`).join(" | ")} | best-arm share | CTR |`);
    out.push(`|---|---|${checkpoints.map(() => "---:").join("|")}|---:|---:|`);
    for (const mode of MODES) {
      for (const policy of POLICIES) {
        const row = r.rows.find((x) => x.scenario === scenario.id && x.mode === mode.id && x.policy === policy.id);
        if (!row) continue;
        const cells = row.checkpoints.map((c) => `${c.regret.mean.toFixed(1)} ± ${c.regret.sd.toFixed(1)}`);
        const name = policy.id === "thompson" ? `**${row.policyName}**` : row.policyName;
        out.push(`| ${mode.name} | ${name} | ${cells.join(" | ")} | ${(row.bestArmShare * 100).toFixed(1)}% | ${pct(row.ctr, 2)} |`);
      }
    }
    out.push("");
  }
  out.push(`Simulated in ${r.durationS} s.`, "");
  return out;
}

function figureCells(f: Figure | undefined, randomCtr: number): string {
  if (!f) return "| — | — | — | — |";
  const ratio = randomCtr > 0 && Number.isFinite(f.estimate) ? `×${(f.estimate / randomCtr).toFixed(2)}` : "n/a";
  const n = f.effectiveN === null ? "" : f.effectiveN.toLocaleString("en-US");
  const clicks = f.clicks === undefined ? "" : ` (${f.clicks} click${f.clicks === 1 ? "" : "s"})`;
  // No click among the rounds that carry weight: every term is 0 and the normal interval collapses to a
  // point. Say so, with the rule-of-three bound (95% upper bound 3/n for 0 successes in n trials) instead.
  const ci =
    f.standardError === 0 && f.estimate === 0
      ? `degenerate: 0 clicks${f.effectiveN ? `; rule of three < ${pct(3 / f.effectiveN, 1)}` : ""}`
      : `[${pct(f.ci95[0], 3)}, ${pct(f.ci95[1], 3)}]`;
  return `| ${pct(f.estimate, 3)} | ${ci} | ${ratio} | ${n}${clicks} |`;
}

function obdTables(section: BanditSection): string[] {
  const o = section.obd;
  if (!o) return [];
  const out = [
    "### Off-policy evaluation on the Open Bandit Dataset samples",
    "",
    "⚠️ Each sample log is 10,000 impressions with only ~46–69 clicks: intervals are wide, and a ratio's point estimate is not a significant difference. " +
      "Published figures are from the full data (Saito et al., *Open Bandit Dataset and Pipeline*, Table 1).",
    "",
    "Replay (Li et al. 2011) keeps the rounds where the target's choice equals the logged item (~1/K of them); IPW weighs each round by π(item)/μ(item); " +
      "SNIPW normalises by the weights' sum (delta-method SE); DR adds a per-item mean-CTR model. 95% intervals by the normal approximation, clipped to [0, 1]. " +
      "\"vs random\" divides by the random log's CTR.",
    "",
  ];
  for (const c of o.campaigns) {
    out.push(`**${CAMPAIGN_NAMES[c.campaign]} campaign**`, "");
    if (!c.random) {
      out.push(`- ${c.note ?? "no log"}. Published: Random ${pct(c.published.random)}, Bernoulli TS ${pct(c.published.bts)}, ratio ×${c.published.ratio}.`, "");
      continue;
    }
    const rnd = c.random;
    out.push(`- Logged, uniform random: ${pct(rnd.ctr, 3)} [${pct(rnd.ci95[0], 3)}, ${pct(rnd.ci95[1], 3)}], ${rnd.clicks} clicks / ${rnd.rounds.toLocaleString("en-US")} (${rnd.actions} items). Published: ${pct(c.published.random)}.`);
    if (c.bts) {
      out.push(
        `- Logged, Bernoulli TS (ZOZOTOWN's, on-policy): ${pct(c.bts.ctr, 3)} [${pct(c.bts.ci95[0], 3)}, ${pct(c.bts.ci95[1], 3)}], ${c.bts.clicks} clicks / ${c.bts.rounds.toLocaleString("en-US")}. ` +
          `Ratio vs random in this sample ×${(c.bts.ctr / rnd.ctr).toFixed(2)}; published ×${c.published.ratio} (${pct(c.published.bts)} / ${pct(c.published.random)}).`,
      );
    }
    out.push("", "| Target policy | log | estimator | estimate | 95% CI | vs random | effective n |", "|---|---|---|---:|---|---:|---:|");
    for (const t of c.targets) out.push(...targetRows(t, rnd.ctr));
    const notes = c.targets.filter((t) => t.note).map((t) => `- ${t.name}: ${t.note}.`);
    out.push("", ...notes, "");
  }
  out.push(`Evaluated in ${o.durationS} s from ${o.dir}.`, "");
  return out;
}

function targetRows(t: TargetRow, randomCtr: number): string[] {
  return (Object.keys(ESTIMATOR_NAMES) as (keyof typeof ESTIMATOR_NAMES)[])
    .filter((k) => t.estimates[k])
    .map((k, i) => `| ${i === 0 ? t.name : ""} | ${i === 0 ? t.log : ""} | ${ESTIMATOR_NAMES[k]} ${figureCells(t.estimates[k], randomCtr)}`);
}

export function renderBanditMarkdown(section: BanditSection): string {
  const lines = ["## Bandits", "", ...drawTable(section), ...renderLearningMarkdown(section.learning), ...regretTables(section), ...obdTables(section)];
  // Failures are listed once, in the summary's Errors section (run.ts adds them to results.errors).
  if (section.errors.length) lines.push(`${section.errors.length} part(s) of this section failed: see Errors.`, "");
  lines.push(`Bandit section: ${section.durationS} s.`);
  return lines.join("\n");
}

/** The bench summary with the Bandits section added before its Errors list (or at the end). */
export function withBanditSection(markdown: string, section: BanditSection | null): string {
  if (!section) return markdown;
  const bandit = `${renderBanditMarkdown(section)}\n`;
  const at = markdown.indexOf("\n## Errors\n");
  return at < 0 ? `${markdown.replace(/\n*$/, "\n\n")}${bandit}` : `${markdown.slice(0, at + 1)}${bandit}\n${markdown.slice(at + 1)}`;
}
