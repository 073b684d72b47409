// `npx tsx bench/safety.ts [--quick]`: evaluates the local content-safety screen (shared/safety) on labelled
// public data (Davidson et al. 2017, held-out half), on clean marketing copy (false positives), on generated
// obfuscations of blocked words, and times it. Writes bench/results/safety-latest.{md,json}. See
// bench/safety/README.md for the data, its licence and how the sample was drawn.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createRng } from "../shared/catalog/prng";
import { parseCsv } from "../shared/csv/parse";
import { BLOCK_SEVERITY, SCREENER_VERSION, screenText, type ScreenOptions, type ScreenResult } from "../shared/safety/screen";
import { percentileSorted, round } from "./stats";

const ROOT = join(import.meta.dirname, "..");
const DATA_DIR = join(ROOT, "bench", "safety");
const RESULTS_DIR = join(ROOT, "bench", "results");

/** The options the store would screen its own copy with: its own domain's addresses are not PII. */
export const BENCH_SCREEN_OPTIONS: ScreenOptions = { allowedEmailDomains: ["aura-demo.shop"], channel: "email" };

export const DAVIDSON_CITATION =
  'Davidson, T., Warmsley, D., Macy, M. and Weber, I. (2017). "Automated Hate Speech Detection and the Problem of Offensive Language." ICWSM 2017, pp. 512–515. Data: github.com/t-davidson/hate-speech-and-offensive-language (data/labeled_data.csv), MIT License.';
/** Seed of the dev/held-out split; the lexicon was only ever tuned while looking at the dev half. */
const SPLIT_SEED = 4242;
const CLASS_NAMES = ["hate", "offensive", "neither"] as const;

interface LabelledTweet {
  id: number;
  label: 0 | 1 | 2;
  text: string;
}

// ---- data ---------------------------------------------------------------------------------------------------

/** Tweets arrive HTML-escaped from the Twitter API ("&amp;", "&#128514;"); a reader sees the characters. */
function decodeEntities(s: string): string {
  return s
    .replace(/&#(\d+);?/g, (_, n: string) => String.fromCodePoint(Math.min(Number(n), 0x10ffff)))
    .replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" })[e] ?? "");
}

export function loadDavidsonSample(): { rows: LabelledTweet[]; sha256: string } {
  const raw = readFileSync(join(DATA_DIR, "davidson-sample.csv"), "utf8");
  const rows: LabelledTweet[] = [];
  let header = true;
  for (const { line, fields } of parseCsv(raw)) {
    if (header) {
      header = false;
      continue;
    }
    const [id, label, tweet] = [Number(fields[0]), Number(fields[1]), fields[2]];
    if (!Number.isInteger(id) || (label !== 0 && label !== 1 && label !== 2) || tweet === undefined) throw new Error(`davidson-sample.csv line ${line}: bad row`);
    rows.push({ id, label, text: decodeEntities(tweet) });
  }
  return { rows, sha256: createHash("sha256").update(raw).digest("hex") };
}

/** Seeded, class-stratified halves: `dev` for looking at errors while writing rules, `test` for reporting. */
export function splitDevTest(rows: readonly LabelledTweet[]): { dev: LabelledTweet[]; test: LabelledTweet[] } {
  const rng = createRng(SPLIT_SEED);
  const dev: LabelledTweet[] = [];
  const test: LabelledTweet[] = [];
  for (const label of [0, 1, 2] as const) {
    const stratum = rows.filter((r) => r.label === label);
    for (let i = stratum.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [stratum[i], stratum[j]] = [stratum[j]!, stratum[i]!];
    }
    const half = Math.floor(stratum.length / 2);
    dev.push(...stratum.slice(0, half));
    test.push(...stratum.slice(half));
  }
  return { dev, test };
}

export function loadCleanMarketing(): string[] {
  return readFileSync(join(DATA_DIR, "clean-marketing.txt"), "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith("#"));
}

// ---- metrics ------------------------------------------------------------------------------------------------

/** Wilson score interval (95 %) for a proportion k/n. */
function wilson(k: number, n: number): [number, number] {
  if (n === 0) return [Number.NaN, Number.NaN];
  const z = 1.959964;
  const p = k / n;
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

interface Rate {
  value: number;
  k: number;
  n: number;
  ci95: [number, number];
}

const rate = (k: number, n: number): Rate => {
  const ci = wilson(k, n);
  return { value: round(n === 0 ? Number.NaN : k / n, 4), k, n, ci95: [round(ci[0], 4), round(ci[1], 4)] };
};

export interface LabelledEvaluation {
  rows: number;
  /** confusion[class][0 = pass, 1 = block] */
  confusion: { hate: [number, number]; offensive: [number, number]; neither: [number, number] };
  precision: Rate;
  recall: Rate;
  f1: number;
  hateRecall: Rate;
  offensiveRecall: Rate;
  neitherBlockRate: Rate;
  accuracy: Rate;
  /** How often each category was the reason a positive was caught (its severity ≥ BLOCK_SEVERITY). */
  blockingCategories: Record<string, number>;
  /** Dataset row ids, so errors can be looked up in the CSV without reprinting them here. */
  falseNegativeIds: number[];
  falsePositiveIds: number[];
}

export function evaluateLabelled(rows: readonly LabelledTweet[], options: ScreenOptions = BENCH_SCREEN_OPTIONS): LabelledEvaluation {
  const confusion: LabelledEvaluation["confusion"] = { hate: [0, 0], offensive: [0, 0], neither: [0, 0] };
  const blockingCategories: Record<string, number> = {};
  const falseNegativeIds: number[] = [];
  const falsePositiveIds: number[] = [];
  for (const row of rows) {
    const result = screenText(row.text, options);
    const blocked = result.decision === "block";
    confusion[CLASS_NAMES[row.label]][blocked ? 1 : 0]++;
    const positive = row.label !== 2;
    if (blocked) for (const c of result.categories) if (c.severity >= BLOCK_SEVERITY) blockingCategories[c.category] = (blockingCategories[c.category] ?? 0) + 1;
    if (positive && !blocked) falseNegativeIds.push(row.id);
    if (!positive && blocked) falsePositiveIds.push(row.id);
  }
  const tp = confusion.hate[1] + confusion.offensive[1];
  const fn = confusion.hate[0] + confusion.offensive[0];
  const fp = confusion.neither[1];
  const tn = confusion.neither[0];
  const precision = rate(tp, tp + fp);
  const recall = rate(tp, tp + fn);
  return {
    rows: rows.length,
    confusion,
    precision,
    recall,
    f1: round((2 * precision.value * recall.value) / (precision.value + recall.value), 4),
    hateRecall: rate(confusion.hate[1], confusion.hate[0] + confusion.hate[1]),
    offensiveRecall: rate(confusion.offensive[1], confusion.offensive[0] + confusion.offensive[1]),
    neitherBlockRate: rate(fp, fp + tn),
    accuracy: rate(tp + tn, rows.length),
    blockingCategories,
    falseNegativeIds: falseNegativeIds.sort((a, b) => a - b),
    falsePositiveIds: falsePositiveIds.sort((a, b) => a - b),
  };
}

// ---- obfuscation --------------------------------------------------------------------------------------------

/**
 * Fifty words that block on their own, across hate, sexual, self-harm and profanity. Obfuscation recall
 * measures the normaliser (can it still see the word?), not the lexicon's coverage: every base word blocks.
 */
export const OBFUSCATION_TERMS: readonly string[] = [
  "fuck", "fucking", "motherfucker", "shit", "bullshit", "bitch", "bitches", "asshole", "bastard", "cunt",
  "twat", "whore", "slut", "dickhead", "shithead", "jackass", "dumbass", "wanker", "prick", "douchebag",
  "nigger", "nigga", "faggot", "fag", "kike", "spic", "chink", "wetback", "retard", "tranny",
  "dyke", "beaner", "raghead", "gook", "coon", "porn", "pussy", "dildo", "blowjob", "cock",
  "boobs", "tits", "horny", "milf", "hentai", "jizz", "orgasm", "rapist", "kys", "pedophile",
];

const CYRILLIC: Readonly<Record<string, string>> = { a: "а", e: "е", o: "о", p: "р", c: "с", x: "х", y: "у", i: "і", s: "ѕ", k: "к" };
const LEET_OUT: Readonly<Record<string, string>> = { a: "4", e: "3", i: "1", o: "0", s: "5", t: "7", g: "9", b: "8" };
const VOWEL = /[aeiou]/;

/** Each disguise as a function of the word; null when it would not change this word. */
export const OBFUSCATIONS: Readonly<Record<string, (w: string) => string | null>> = {
  leet: (w) => {
    const out = [...w].map((ch) => LEET_OUT[ch] ?? ch).join("");
    return out === w ? null : out;
  },
  "leet (symbols)": (w) => {
    const out = w.replace(/a/g, "@").replace(/s/g, "$").replace(/i/g, "!");
    return out === w ? null : out;
  },
  "spaced letters": (w) => [...w].join(" "),
  "dotted letters": (w) => [...w].join("."),
  "hyphenated letters": (w) => [...w].join("-"),
  "split in two": (w) => (w.length >= 4 && w.length <= 6 ? `${w.slice(0, Math.ceil(w.length / 2))}-${w.slice(Math.ceil(w.length / 2))}` : null),
  "stretched letters": (w) => {
    const at = w.search(VOWEL);
    return at < 0 ? null : w.slice(0, at) + w[at]!.repeat(5) + w.slice(at + 1);
  },
  "Cyrillic look-alikes": (w) => {
    const out = [...w].map((ch) => CYRILLIC[ch] ?? ch).join("");
    return out === w ? null : out;
  },
  "zero-width characters": (w) => [...w].join("\u200b"),
  "fullwidth letters": (w) => [...w].map((ch) => String.fromCodePoint(ch.codePointAt(0)! - 0x61 + 0xff41)).join(""),
  "accents (combining marks)": (w) => w.replace(/[aeiou]/g, (v) => `${v}\u0301`),
  "UPPER CASE": (w) => w.toUpperCase(),
  "masked vowel (*)": (w) => {
    const at = w.slice(1).search(VOWEL);
    return at < 0 || w.length < 4 ? null : `${w.slice(0, at + 1)}*${w.slice(at + 2)}`;
  },
};

export interface ObfuscationEvaluation {
  terms: number;
  baseRecall: Rate;
  overall: Rate;
  byTransform: Record<string, Rate>;
  misses: { transform: string; term: string; variant: string }[];
}

const carrier = (word: string) => `Check out this ${word} offer before it ends`;

export function evaluateObfuscation(): ObfuscationEvaluation {
  let base = 0;
  let all = 0;
  let caught = 0;
  const byTransform: Record<string, Rate> = {};
  const misses: ObfuscationEvaluation["misses"] = [];
  for (const term of OBFUSCATION_TERMS) if (screenText(carrier(term)).decision === "block") base++;
  for (const [name, transform] of Object.entries(OBFUSCATIONS)) {
    let n = 0;
    let k = 0;
    for (const term of OBFUSCATION_TERMS) {
      const variant = transform(term);
      if (variant === null) continue;
      n++;
      if (screenText(carrier(variant)).decision === "block") k++;
      else misses.push({ transform: name, term, variant: JSON.stringify(variant).slice(1, -1) });
    }
    byTransform[name] = rate(k, n);
    all += n;
    caught += k;
  }
  return { terms: OBFUSCATION_TERMS.length, baseRecall: rate(base, OBFUSCATION_TERMS.length), overall: rate(caught, all), byTransform, misses };
}

// ---- timing -------------------------------------------------------------------------------------------------

export interface Timing {
  texts: number;
  meanChars: number;
  medianUs: number;
  p99Us: number;
}

/** Per text: repeat it enough times to last ≥ 20 µs, take the mean; report the median and p99 over texts. */
function timeTexts(texts: readonly string[], repeats: number): Timing {
  const perText: number[] = [];
  let sink = 0;
  for (const text of texts) for (let w = 0; w < 3; w++) sink += screenText(text, BENCH_SCREEN_OPTIONS).reasons.length;
  for (const text of texts) {
    let best = Number.POSITIVE_INFINITY;
    for (let r = 0; r < repeats; r++) {
      let n = 1;
      let elapsed = 0;
      for (;;) {
        const t0 = performance.now();
        for (let i = 0; i < n; i++) sink += screenText(text, BENCH_SCREEN_OPTIONS).reasons.length;
        elapsed = performance.now() - t0;
        if (elapsed >= 0.02 || n >= 1 << 16) break;
        n *= 2;
      }
      best = Math.min(best, (elapsed * 1000) / n);
    }
    perText.push(best);
  }
  if (sink < 0) console.log(sink);
  const sorted = Float64Array.from(perText).sort();
  return {
    texts: texts.length,
    meanChars: round(texts.reduce((a, t) => a + t.length, 0) / Math.max(1, texts.length), 0),
    medianUs: round(percentileSorted(sorted, 50), 2),
    p99Us: round(percentileSorted(sorted, 99), 2),
  };
}

/** Whole e-mails: a subject and a dozen body lines of the clean copy, about the length of a real one. */
function syntheticEmails(lines: readonly string[], count: number): string[] {
  const rng = createRng(7);
  const emails: string[] = [];
  for (let e = 0; e < count; e++) {
    const parts: string[] = [];
    for (let i = 0; i < 13; i++) parts.push(rng.pick(lines));
    emails.push(parts.join("\n"));
  }
  return emails;
}

// ---- report -------------------------------------------------------------------------------------------------

const pct = (r: Rate, digits = 1) => `${(r.value * 100).toFixed(digits)} % (${r.k}/${r.n}; 95 % CI ${(r.ci95[0] * 100).toFixed(digits)}–${(r.ci95[1] * 100).toFixed(digits)} %)`;

function renderMarkdown(json: SafetyBenchJson): string {
  const { heldOut, dev } = json.labelled;
  const c = heldOut.confusion;
  const lines: string[] = [];
  lines.push(`## Content safety screen (${json.screener_version})`, "");
  lines.push(`Local rules only (lexicon + PII + brand policy; no LLM). Blocking = any category severity ≥ ${BLOCK_SEVERITY}.`, "");
  lines.push("### 1. Labelled tweets (Davidson et al. 2017), held-out half", "");
  lines.push(`Data: ${DAVIDSON_CITATION} Sample: ${json.labelled.sampleRows.toLocaleString("en-US")} rows, seeded and class-stratified (bench/safety/davidson-sample.csv, sha256 ${json.labelled.sampleSha256.slice(0, 12)}…). Split seeded 50/50 per class; the lexicon was revised only while looking at the **dev** half (${dev.rows} rows); figures below are on the **held-out** half (${heldOut.rows} rows), never used for tuning. Positive class = hate + offensive; predicted positive = block.`, "");
  lines.push("| metric | held-out |", "|---|---|");
  lines.push(`| precision | ${pct(heldOut.precision)} |`);
  lines.push(`| recall (hate + offensive) | ${pct(heldOut.recall)} |`);
  lines.push(`| F1 | ${heldOut.f1.toFixed(3)} |`);
  lines.push(`| recall on hate only | ${pct(heldOut.hateRecall)} |`);
  lines.push(`| recall on offensive only | ${pct(heldOut.offensiveRecall)} |`);
  lines.push(`| "neither" tweets blocked | ${pct(heldOut.neitherBlockRate)} |`);
  lines.push(`| (dev half, for comparison: P / R / F1 / hate recall) | ${(dev.precision.value * 100).toFixed(1)} % / ${(dev.recall.value * 100).toFixed(1)} % / ${dev.f1.toFixed(3)} / ${(dev.hateRecall.value * 100).toFixed(1)} % |`, "");
  lines.push("Confusion matrix (held-out):", "");
  lines.push("| true class | pass | block |", "|---|---:|---:|");
  lines.push(`| hate (0) | ${c.hate[0]} | ${c.hate[1]} |`, `| offensive (1) | ${c.offensive[0]} | ${c.offensive[1]} |`, `| neither (2) | ${c.neither[0]} | ${c.neither[1]} |`, "");
  lines.push(`Blocking categories on held-out blocks: ${Object.entries(heldOut.blockingCategories).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(", ")}. False-negative and false-positive row ids are in the JSON.`, "");
  lines.push("Caveat: these are tweets labelled for *hate/offensiveness*, not marketing copy; many \"neither\" tweets contain words a brand would still not send (e.g. \"bitch\" about a dog, \"hoe\" lyrics), so the \"neither blocked\" rate overstates what the screen does to clean copy (section 2 measures that).", "");
  const m = json.cleanMarketing;
  lines.push("### 2. Clean marketing copy (false positives)", "");
  lines.push(`${m.lines} lines of clean subjects and body sentences for the demo store, with traps (Scunthorpe words, violent and sexual idioms, photo-editing jargon, prices, merge tags, support@aura-demo.shop allowed via \`allowedEmailDomains\`, unsubscribe links, postal footer): bench/safety/clean-marketing.txt.`, "");
  lines.push(`False-positive rate: **${pct(m.falsePositiveRate, 2)}** (target < 1 %). Lines with any non-zero severity (shown, not blocked): ${m.flaggedNotBlocked}.`, "");
  if (m.falsePositives.length === 0) lines.push("False positives: none.", "");
  else {
    lines.push("| false positive | reasons |", "|---|---|");
    for (const f of m.falsePositives) lines.push(`| ${f.text.replace(/\|/g, "\\|")} | ${f.reasons.join("; ").replace(/\|/g, "\\|")} |`);
    lines.push("");
  }
  const o = json.obfuscation;
  lines.push("### 3. Obfuscated blocked words", "");
  lines.push(`${o.terms} words that block on their own (base recall ${pct(o.baseRecall)}), each disguised ${Object.keys(o.byTransform).length} ways inside "Check out this … offer before it ends". Overall recall **${pct(o.overall)}**.`, "");
  lines.push("| disguise | recall |", "|---|---|");
  for (const [name, r] of Object.entries(o.byTransform)) lines.push(`| ${name} | ${pct(r)} |`);
  lines.push("");
  if (o.misses.length > 0) lines.push(`Missed: ${o.misses.map((x) => `${x.transform}: \`${x.variant}\``).join(", ")}.`, "");
  const t = json.timing;
  lines.push("### 4. Speed (Node, single thread)", "");
  lines.push("| texts | n | mean length | median µs/text | p99 µs/text |", "|---|---:|---:|---:|---:|");
  lines.push(`| clean marketing lines | ${t.cleanLines.texts} | ${t.cleanLines.meanChars} chars | ${t.cleanLines.medianUs} | ${t.cleanLines.p99Us} |`);
  lines.push(`| tweets (held-out) | ${t.tweets.texts} | ${t.tweets.meanChars} chars | ${t.tweets.medianUs} | ${t.tweets.p99Us} |`);
  lines.push(`| whole e-mails (13 lines) | ${t.emails.texts} | ${t.emails.meanChars} chars | ${t.emails.medianUs} | ${t.emails.p99Us} |`, "");
  return lines.join("\n");
}

export interface SafetyBenchJson extends Record<string, unknown> {
  screener_version: string;
  quick: boolean;
  labelled: { citation: string; sampleRows: number; sampleSha256: string; splitSeed: number; dev: LabelledEvaluation; heldOut: LabelledEvaluation };
  cleanMarketing: { lines: number; falsePositiveRate: Rate; falsePositives: { text: string; reasons: string[] }[]; flaggedNotBlocked: number };
  obfuscation: ObfuscationEvaluation;
  timing: { cleanLines: Timing; tweets: Timing; emails: Timing };
}

export async function runSafetyBench(opts: { quick: boolean; log: (line: string) => void }): Promise<{ markdown: string; json: SafetyBenchJson }> {
  const { rows, sha256 } = loadDavidsonSample();
  const { dev, test } = splitDevTest(rows);
  opts.log(`safety: Davidson sample ${rows.length} rows (dev ${dev.length}, held-out ${test.length})`);
  const devEval = evaluateLabelled(dev);
  const heldOut = evaluateLabelled(test);
  opts.log(`safety: held-out precision ${(heldOut.precision.value * 100).toFixed(1)} %, recall ${(heldOut.recall.value * 100).toFixed(1)} %, F1 ${heldOut.f1.toFixed(3)}, hate recall ${(heldOut.hateRecall.value * 100).toFixed(1)} %`);

  const clean = loadCleanMarketing();
  const falsePositives: { text: string; reasons: string[] }[] = [];
  let flaggedNotBlocked = 0;
  for (const line of clean) {
    const result: ScreenResult = screenText(line, BENCH_SCREEN_OPTIONS);
    if (result.decision === "block") falsePositives.push({ text: line, reasons: result.reasons });
    else if (result.reasons.length > 0) flaggedNotBlocked++;
  }
  opts.log(`safety: clean marketing copy ${falsePositives.length}/${clean.length} blocked`);

  const obfuscation = evaluateObfuscation();
  opts.log(`safety: obfuscation recall ${(obfuscation.overall.value * 100).toFixed(1)} % (${obfuscation.overall.k}/${obfuscation.overall.n})`);

  const repeats = opts.quick ? 1 : 5;
  const tweetTexts = test.map((r) => r.text);
  const timing = {
    cleanLines: timeTexts(clean, repeats),
    tweets: timeTexts(opts.quick ? tweetTexts.slice(0, 300) : tweetTexts, repeats),
    emails: timeTexts(syntheticEmails(clean, opts.quick ? 50 : 300), repeats),
  };
  opts.log(`safety: median ${timing.cleanLines.medianUs} µs per marketing line, ${timing.emails.medianUs} µs per whole e-mail`);

  const json: SafetyBenchJson = {
    screener_version: SCREENER_VERSION,
    quick: opts.quick,
    labelled: { citation: DAVIDSON_CITATION, sampleRows: rows.length, sampleSha256: sha256, splitSeed: SPLIT_SEED, dev: devEval, heldOut },
    cleanMarketing: { lines: clean.length, falsePositiveRate: rate(falsePositives.length, clean.length), falsePositives, flaggedNotBlocked },
    obfuscation,
    timing,
  };
  return { markdown: renderMarkdown(json), json };
}

/** Writes bench/results/safety-latest.md and .json. */
export function writeSafetyResults(result: { markdown: string; json: Record<string, unknown> }): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, "safety-latest.md"), `${result.markdown}\n`);
  writeFileSync(join(RESULTS_DIR, "safety-latest.json"), `${JSON.stringify({ generated_at: new Date().toISOString(), ...result.json }, null, 2)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runSafetyBench({ quick: process.argv.includes("--quick"), log: (line) => console.log(line) });
  writeSafetyResults(result);
  console.log(`\n${result.markdown}`);
}
