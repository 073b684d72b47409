// Rebuilds bench/safety/davidson-sample.csv from the Davidson et al. (2017) labelled tweets: a seeded,
// class-stratified sample (proportional allocation), so the benchmark ships a small file anyone can regenerate.
// Usage: npx tsx bench/safety/sample-davidson.ts <path to labeled_data.csv> (see bench/safety/README.md).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRng } from "../../shared/catalog/prng";
import { parseCsv } from "../../shared/csv/parse";

export const DAVIDSON_SAMPLE_SIZE = 5000;
export const DAVIDSON_SAMPLE_SEED = 20170315;

interface LabelledTweet {
  id: number;
  label: 0 | 1 | 2;
  tweet: string;
}

function readLabelled(csv: string): LabelledTweet[] {
  const rows: LabelledTweet[] = [];
  let header: string[] | null = null;
  for (const { line, fields } of parseCsv(csv)) {
    if (header === null) {
      header = fields;
      continue;
    }
    const id = Number(fields[header.indexOf("")]);
    const label = Number(fields[header.indexOf("class")]);
    const tweet = fields[header.indexOf("tweet")];
    if (!Number.isInteger(id) || (label !== 0 && label !== 1 && label !== 2) || tweet === undefined) {
      throw new Error(`labeled_data.csv line ${line}: unexpected row`);
    }
    rows.push({ id, label, tweet });
  }
  return rows;
}

const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;

function main(): void {
  const source = process.argv[2];
  if (!source) throw new Error("usage: npx tsx bench/safety/sample-davidson.ts <labeled_data.csv>");
  const all = readLabelled(readFileSync(source, "utf8"));
  const rng = createRng(DAVIDSON_SAMPLE_SEED);
  const picked: LabelledTweet[] = [];
  const strata = ([0, 1, 2] as const).map((label) => all.filter((r) => r.label === label));
  // Proportional allocation by largest remainder, so the sizes add up to exactly DAVIDSON_SAMPLE_SIZE.
  const quotas = strata.map((s) => (s.length / all.length) * DAVIDSON_SAMPLE_SIZE);
  const sizes = quotas.map(Math.floor);
  const byRemainder = quotas.map((q, i) => [q - Math.floor(q), i] as const).sort((a, b) => b[0] - a[0]);
  for (let r = 0; sizes.reduce((a, b) => a + b, 0) < DAVIDSON_SAMPLE_SIZE; r++) sizes[byRemainder[r]![1]]!++;
  for (const [s, stratum] of strata.entries()) {
    // Partial Fisher–Yates: the first k of a seeded shuffle are a uniform sample without replacement.
    const k = sizes[s]!;
    for (let i = 0; i < k; i++) {
      const j = rng.int(i, stratum.length - 1);
      [stratum[i], stratum[j]] = [stratum[j]!, stratum[i]!];
      picked.push(stratum[i]!);
    }
  }
  picked.sort((a, b) => a.id - b.id);
  const out = ["id,class,tweet", ...picked.map((r) => `${r.id},${r.label},${quote(r.tweet)}`)].join("\n") + "\n";
  writeFileSync(join(import.meta.dirname, "davidson-sample.csv"), out);
  console.log(`${all.length} rows -> ${picked.length} sampled (${[0, 1, 2].map((c) => `class ${c}: ${picked.filter((r) => r.label === c).length}`).join(", ")})`);
}

main();
