// The content-safety screen for generated copy: fast local rules (lexicon, PII, brand policy) graded 0..7 per
// category, blocking at BLOCK_SEVERITY. A second opinion (an LLM classifier) is folded in with `mergeScreens`.
import * as z from "zod";
import { compileLexicon, LEXICON, SAFE_IDIOMS, type CompiledLexicon, type LexiconEntry, type TrieNode } from "./lexicon";
import { isStretched, normalizeText, squeeze, type Disguise, type SafetyToken } from "./normalize";
import { findPii, type PiiOptions } from "./pii";
import { defaultBrandPolicy, findPolicyViolations, type BrandPolicy } from "./policy";

export { BrandPolicySchema, defaultBrandPolicy, type BannedClaim, type BrandPolicy } from "./policy";
export { ibanValid, luhnValid, type PiiOptions } from "./pii";

export const SAFETY_CATEGORIES = ["hate", "sexual", "violence", "self_harm", "profanity", "pii", "brand_policy"] as const;
export type SafetyCategory = (typeof SAFETY_CATEGORIES)[number];

export interface CategoryScore {
  category: SafetyCategory;
  /**
   * Integer 0..7. 0 nothing found; 1–2 mild (damn, sexy, a violent word in passing); 3 moderate, shown but
   * allowed; 4–5 strong profanity, explicit sexual terms, unknown personal data, banned claims; 6–7 slurs,
   * threats, encouragement of self-harm, payment data.
   */
  severity: number;
}

export interface ScreenResult {
  decision: "pass" | "block";
  /** All seven categories, in `SAFETY_CATEGORIES` order. */
  categories: CategoryScore[];
  reasons: string[];
  screener_version: string;
}

/** A text is blocked when any category reaches this severity ("above medium"). */
export const BLOCK_SEVERITY = 4;
export const MAX_SEVERITY = 7;

/** Bump when the rules change, so audits can tell which rules passed a text. */
export const SCREENER_VERSION = "local-rules-2026.11.1";

/** Reasons beyond this many are summarised: a pathological text must not produce a megabyte of reasons. */
const MAX_REASONS = 25;

export interface ScreenOptions extends PiiOptions {
  /** The brand's policy; `defaultBrandPolicy` when absent. */
  policy?: BrandPolicy;
  /** Where the copy goes (email, sms, push, web). Accepted for the contract; the local rules are the same everywhere. */
  channel?: string;
}

/** The zod contract of a screen result, for second opinions that arrive as untrusted JSON (LLM output). */
export const ScreenResultSchema = z.object({
  decision: z.enum(["pass", "block"]),
  categories: z.array(z.object({ category: z.enum(SAFETY_CATEGORIES), severity: z.number().int().min(0).max(MAX_SEVERITY) })),
  reasons: z.array(z.string()),
  screener_version: z.string().min(1),
});

// Compiled on the first screen, not when the module loads: the trie of expanded templates costs ~40 ms of CPU
// (and ~25 ms of GC) in workerd here and ~5.5 MB (140,000 objects) of heap, and most isolates never screen anything. Every isolate that serves
// /v1/rank or a page would otherwise pay it at start-up, and every major GC would mark it
// (`npx tsx bench/startup.ts`; bench/README.md, "Start-up and the isolate's heap").
let compiled: CompiledLexicon | undefined;
const lexicon = (): CompiledLexicon => (compiled ??= compileLexicon(LEXICON, SAFE_IDIOMS, BLOCK_SEVERITY, squeeze));

// Roots that never occur inside an innocent English word, so any token containing them is the word itself
// ("motherfuckingly", "#fuckthis", "fuuuuckers"). Everything else matches whole tokens only, which is what
// keeps Scunthorpe clean. The exceptions are the innocent words that do contain a root: "snigger", the
// embroidery stitch "faggoting", "Niger"/"Nigeria" (one g) and the misspelt mushroom "shitake".
const STEMS: readonly { stem: RegExp; entry: LexiconEntry }[] = [
  { stem: /f+u+c+k|f+u+c{2,}/, entry: { category: "profanity", severity: 5, rule: "profanity.strong", term: "fuck", safe: false } },
  { stem: /b+i+t+c+h/, entry: { category: "profanity", severity: 5, rule: "profanity.strong", term: "bitch", safe: false } },
  // Only as a prefix ("shitbag", "shitshow"): inside words it meets "mitsubishi trucks" run together.
  { stem: /^s+h+i+t+(?!ake)/, entry: { category: "profanity", severity: 4, rule: "profanity.strong", term: "shit", safe: false } },
  { stem: /(?<!s)n+i+g{2,}e+r/, entry: { category: "hate", severity: 7, rule: "hate.slur", term: "nigger", safe: false } },
  { stem: /(?<!s)n+i+g{2,}a/, entry: { category: "hate", severity: 6, rule: "hate.slur", term: "nigga", safe: false } },
  { stem: /f+a+g{2,}o+t(?!ing)/, entry: { category: "hate", severity: 7, rule: "hate.slur", term: "faggot", safe: false } },
];
const ANY_STEM = new RegExp(STEMS.map((s) => s.stem.source).join("|"));
/** Every stem spelling contains one of these (stretched or not); a cheap test before the regular expressions. */
const mayHoldStem = (key: string) => key.length >= 4 && (key.includes("uc") || key.includes("tc") || key.includes("gg") || key.startsWith("sh"));

/** The endings a stem is masked with most ("f***ing", "f***ers", "b***hes"), and those that double its last letter ("sh*tty"). */
const STEM_ENDINGS = ["", "s", "es", "ed", "er", "ers", "in", "ing", "y"];
const DOUBLING_ENDINGS = ["y", "ed", "er", "ers", "ing"];
const stemForms = (term: string): string[] => [
  ...STEM_ENDINGS.map((ending) => term + ending),
  ...(/[aeiou][bdgmnprt]$/.test(term) ? DOUBLING_ENDINGS.map((ending) => term + term.at(-1)! + ending) : []),
];

// Words a mask may hide: the stems and their inflections first, then every word that blocks on its own. A mask
// fits many words of its shape; the stems are what people mask far more than anything else, so "f***ing" reads
// as "fucking", not as the rarer "fapping" the lexicon lists earlier, and "f***ers" (in no list) still blocks.
let maskable: readonly [string, LexiconEntry[]][] | undefined;
const maskableWords = (): readonly [string, LexiconEntry[]][] =>
  (maskable ??= [...STEMS.flatMap(({ entry }) => stemForms(entry.term).map((form): [string, LexiconEntry[]] => [form, [entry]])), ...lexicon().strongWords]);

interface Hit {
  start: number;
  /** Exclusive token index. */
  end: number;
  entry: LexiconEntry;
  via: Disguise | null;
  severity: number;
}

/** Screens `text` with the local rules. Pure and synchronous; a short e-mail takes microseconds. */
export function screenText(text: string, opts: ScreenOptions = {}): ScreenResult {
  const severity = new Array<number>(SAFETY_CATEGORIES.length).fill(0);
  const reasons: { severity: number; text: string }[] = [];
  const raise = (category: SafetyCategory, value: number, reason: string) => {
    const i = SAFETY_CATEGORIES.indexOf(category);
    if (value > severity[i]!) severity[i] = value;
    if (value > 0) reasons.push({ severity: value, text: reason });
  };

  const normalized = normalizeText(text);
  for (const hit of lexiconHits(normalized.tokens)) {
    const { category, rule, term } = hit.entry;
    if (category === null) continue;
    raise(category, hit.severity, `${rule} (${hit.severity}): "${term}"${hit.via ? ` [${VIA[hit.via]}]` : ""}`);
  }

  for (const f of findPii(normalized.plain, opts)) {
    raise("pii", f.severity, `pii.${f.kind} (${f.severity}): ${f.masked} (${f.note})`);
  }

  const policy = opts.policy ?? defaultBrandPolicy;
  const policyTexts = [normalized.plain];
  if (normalized.leetWords) policyTexts.push(normalized.tokens.map((t) => t.key).join(" "));
  for (const f of findPolicyViolations(policy, policyTexts)) {
    raise("brand_policy", f.severity, `${f.rule} (${f.severity}): "${f.term}" (${f.reason})`);
  }

  return {
    decision: decide(severity),
    categories: SAFETY_CATEGORIES.map((category, i) => ({ category, severity: severity[i]! })),
    reasons: orderReasons(reasons),
    screener_version: SCREENER_VERSION,
  };
}

const VIA: Readonly<Record<Disguise, string>> = {
  leet: "leet-speak",
  lookalike: "look-alike letters",
  masked: "masked with *",
  spaced: "spelt out letter by letter",
  split: "split with punctuation",
  stretched: "stretched letters",
};

function decide(severity: readonly number[]): "pass" | "block" {
  return severity.some((s) => s >= BLOCK_SEVERITY) ? "block" : "pass";
}

/** Strongest first, each reason once, bounded. */
function orderReasons(reasons: { severity: number; text: string }[]): string[] {
  const unique = new Map<string, number>();
  for (const r of reasons) unique.set(r.text, Math.max(r.severity, unique.get(r.text) ?? 0));
  const ordered = [...unique].sort((a, b) => b[1] - a[1]).map(([text]) => text);
  if (ordered.length <= MAX_REASONS) return ordered;
  return [...ordered.slice(0, MAX_REASONS - 1), `… and ${ordered.length - MAX_REASONS + 1} more`];
}

function lexiconHits(tokens: readonly SafetyToken[]): Hit[] {
  const { root, vocabulary, squeezed } = lexicon();
  // The lexicon form of each token: itself, its "l" reading, or the word it stretches ("fuuuck").
  const keys: string[] = [];
  const vias: (Disguise | null)[] = [];
  for (const token of tokens) {
    let key = token.key;
    let via = token.disguise;
    if (!vocabulary.has(key)) {
      if (token.alt !== null && vocabulary.has(token.alt)) key = token.alt;
      else if (isStretched(key)) {
        const word = squeezed.get(squeeze(key));
        if (word !== undefined) {
          key = word;
          via = "stretched";
        }
      }
    }
    keys.push(key);
    vias.push(via);
  }

  const hits: Hit[] = [];
  const matchedAt = new Uint8Array(tokens.length);
  // Phrases: walk the trie from every token; all matches are kept (the strongest per category wins later).
  for (let i = 0; i < keys.length; i++) {
    let node: TrieNode | undefined = root.get(keys[i]!);
    let j = i;
    while (node !== undefined) {
      if (node.entries !== null) {
        let via: Disguise | null = null;
        for (let k = i; k <= j && via === null; k++) via = vias[k]!;
        for (const entry of node.entries) {
          hits.push({ start: i, end: j + 1, entry, via, severity: entry.severity });
          if (!entry.safe) matchedAt[i] = 1;
        }
      }
      j++;
      if (j >= keys.length || node.next === null) break;
      node = node.next.get(keys[j]!);
    }
  }

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    // Stems inside longer tokens ("fuckface", "#fuckmondays").
    if (matchedAt[i] === 0 && mayHoldStem(keys[i]!) && ANY_STEM.test(keys[i]!)) {
      const entry = stemEntry(keys[i]!);
      if (entry !== null) {
        hits.push({ start: i, end: i + 1, entry, via: vias[i] ?? null, severity: entry.severity });
        matchedAt[i] = 1;
      }
    }
    // Masks: "f*ck", "sh*t", "b**ch", against the words that block on their own.
    if (token.mask !== null && matchedAt[i] === 0) {
      const entries = unmask(token.mask);
      if (entries !== null) {
        // Masking is a disguise like any other: "f*ck" is as strong as the word it hides.
        for (const entry of entries) hits.push({ start: i, end: i + 1, entry, via: "masked", severity: entry.severity });
        matchedAt[i] = 1;
      }
    }
  }

  hits.push(...spelledOutHits(tokens));

  // Safe idioms overrule every match that lies wholly inside them; a stronger phrase overrules the words it is
  // made of ("kill yourself" is self-harm, not also a mention of violence). Only multi-token hits and idioms
  // can contain others; they are indexed by start so a long abusive text stays linear, not quadratic.
  const containers = new Map<number, Hit[]>();
  let widest = 0;
  for (const h of hits) {
    if (!h.entry.safe && h.end - h.start < 2) continue;
    const list = containers.get(h.start);
    if (list) list.push(h);
    else containers.set(h.start, [h]);
    widest = Math.max(widest, h.end - h.start);
  }
  const kept: Hit[] = [];
  for (const h of hits) {
    if (h.entry.safe) continue;
    let inside = false;
    for (let start = Math.max(0, h.end - widest); start <= h.start && !inside; start++) {
      for (const o of containers.get(start) ?? []) {
        if (o === h || o.end < h.end) continue;
        if (o.entry.safe || (o.end - o.start > h.end - h.start && o.severity > h.severity)) inside = true;
      }
    }
    if (!inside) kept.push(h);
  }
  return kept;
}

const maskCache = new Map<string, LexiconEntry[] | null>();

/**
 * The blocking word a masked token stands for: each run of n "*" hides n letters, or failing that n±1
 * ("f***" is often "fuck"). At least two letters must show, or "s***" could be anything from "shit" to "sale".
 */
function unmask(mask: string): LexiconEntry[] | null {
  const cached = maskCache.get(mask);
  if (cached !== undefined) return cached;
  let result: LexiconEntry[] | null = null;
  if (mask.replace(/\*/g, "").length >= 2 && /^[a-z0-9*]+$/.test(mask)) {
    const exact = new RegExp(`^${mask.replace(/\*+/g, (run) => `[a-z]{${run.length}}`)}$`);
    const loose = new RegExp(`^${mask.replace(/\*+/g, (run) => `[a-z]{${Math.max(1, run.length - 1)},${run.length + 1}}`)}$`);
    for (const shape of [exact, loose]) {
      const found = maskableWords().find(([word]) => shape.test(word));
      if (found) {
        result = found[1];
        break;
      }
    }
  }
  // Bounded: masks are rare and repeat (the same "f*ck" across variants).
  if (maskCache.size > 1000) maskCache.clear();
  maskCache.set(mask, result);
  return result;
}

/**
 * Words written one letter at a time ("f u c k", "f.u.c.k", "k-y-s") and words split by punctuation ("fu-ck",
 * "sh.it"). Only runs of one-letter tokens are joined across spaces, so ordinary words are never glued
 * together; a split word (no spaces) must be made of short pieces and must be a word that blocks on its own.
 */
function spelledOutHits(tokens: readonly SafetyToken[]): Hit[] {
  const hits: Hit[] = [];
  let i = 0;
  while (i < tokens.length) {
    // Spelt-out letters: three or more one-letter tokens, each at most three characters from the last.
    if (tokens[i]!.single) {
      let j = i + 1;
      while (j < tokens.length && tokens[j]!.single && tokens[j]!.gap <= 3) j++;
      if (j - i >= 3) {
        const letters = tokens.slice(i, j).map((t) => t.key).join("");
        // A leading or trailing English one-letter word ("a f u c k", "f u c k u") may be glued on.
        const candidates = [letters, letters.slice(1), letters.slice(0, -1), letters.slice(1, -1)];
        for (const word of candidates) {
          const entries = lookupWord(word);
          if (entries !== null) {
            for (const entry of entries) hits.push({ start: i, end: j, entry, via: "spaced", severity: entry.severity });
            break;
          }
        }
        i = j;
        continue;
      }
    }
    // Split words: two or more pieces of at most three characters, joined by one punctuation mark, no spaces.
    if (tokens[i]!.key.length <= 3) {
      let j = i + 1;
      while (j < tokens.length && tokens[j]!.key.length <= 3 && tokens[j]!.gap === 1 && !tokens[j]!.spaced) j++;
      if (j - i >= 2) {
        const word = tokens.slice(i, j).map((t) => t.key).join("");
        const entries = lexicon().strongWords.get(word) ?? lookupStem(word);
        if (entries) for (const entry of entries) hits.push({ start: i, end: j, entry, via: "split", severity: entry.severity });
        i = j;
        continue;
      }
    }
    i++;
  }
  return hits;
}

function lookupWord(word: string): LexiconEntry[] | null {
  if (word.length === 0) return null;
  const { root, squeezed } = lexicon();
  const node = root.get(word) ?? root.get(squeezed.get(squeeze(word)) ?? "");
  const entries = node?.entries?.filter((e) => !e.safe);
  if (entries && entries.length > 0) return entries;
  return lookupStem(word);
}

function stemEntry(word: string): LexiconEntry | null {
  for (const { stem, entry } of STEMS) if (stem.test(word)) return entry;
  return null;
}

function lookupStem(word: string): LexiconEntry[] | null {
  const entry = stemEntry(word);
  return entry === null ? null : [entry];
}

/**
 * Merges a second opinion (e.g. an LLM classifier's) into the local result: max severity per category,
 * reasons concatenated, decision recomputed, versions joined with "+". The other result is untrusted:
 * missing categories count as 0 and severities are clamped to integers 0..7. The decision follows the
 * severities only, so a second opinion blocks by scoring a category, not by saying "block".
 */
export function mergeScreens(local: ScreenResult, other: ScreenResult): ScreenResult {
  const severityOf = (result: ScreenResult, category: SafetyCategory): number => {
    let max = 0;
    for (const c of result.categories) {
      if (c.category !== category || !Number.isFinite(c.severity)) continue;
      max = Math.max(max, Math.min(MAX_SEVERITY, Math.max(0, Math.round(c.severity))));
    }
    return max;
  };
  const severity = SAFETY_CATEGORIES.map((category) => Math.max(severityOf(local, category), severityOf(other, category)));
  const versions: string[] = [];
  for (const v of [...local.screener_version.split("+"), ...other.screener_version.split("+")]) {
    if (v.length > 0 && !versions.includes(v)) versions.push(v);
  }
  return {
    decision: decide(severity),
    categories: SAFETY_CATEGORIES.map((category, i) => ({ category, severity: severity[i]! })),
    reasons: [...new Set([...local.reasons, ...other.reasons])],
    screener_version: versions.join("+"),
  };
}
