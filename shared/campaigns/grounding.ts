// The groundedness check every generated variant must pass before it can be screened and sent: each citation
// names an approved source, each sentence stating a price or percentage cites a source that states that figure,
// and the subject's figures come from a source the body cites.
import type { CorpusIndex } from "./corpus";

const CITATION = /\[(c[a-z0-9_-]{1,40})\]/g;
/** Money ($12, $1,299.00, €9.99, 12 USD) and percentages (20%, 20 percent). */
const FIGURE = /(?:[$€£]\s?\d[\d,]*(?:\.\d+)?)|(?:\d[\d,]*(?:\.\d+)?\s?(?:%|percent\b|usd\b|eur\b|gbp\b|dollars\b))/gi;

export interface Figure {
  kind: "money" | "percent";
  value: number;
  text: string;
}

/** The figures stated in a text, normalised so "$49" and "$49.00" are the same claim. */
export function figuresIn(text: string): Figure[] {
  const out: Figure[] = [];
  for (const m of text.matchAll(FIGURE)) {
    const raw = m[0];
    const value = Number(raw.replace(/[^\d.]/g, ""));
    if (!Number.isFinite(value)) continue;
    out.push({ kind: /%|percent/i.test(raw) ? "percent" : "money", value, text: raw.trim() });
  }
  return out;
}

export function citationsIn(text: string): string[] {
  return [...new Set([...text.matchAll(CITATION)].map((m) => m[1]!))];
}

/** Sentences (and lines: email bodies break lines without full stops). */
export function sentencesOf(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export interface GroundingResult {
  ok: boolean;
  citations: string[];
  problems: string[];
}

export function checkGrounding(variant: { subject: string; body: string }, index: CorpusIndex): GroundingResult {
  const problems: string[] = [];
  const citations = citationsIn(variant.body);
  if (citations.length === 0) problems.push("the body cites no approved source");
  for (const id of citations) if (!index.byId.has(id)) problems.push(`[${id}] is not an approved source`);
  if (citationsIn(variant.subject).length > 0) problems.push("the subject line carries a citation marker");
  const figuresOf = (ids: readonly string[]) => ids.flatMap((id) => {
    const doc = index.byId.get(id);
    return doc ? figuresIn(`${doc.title} ${doc.body}`) : [];
  });
  const stated = (f: Figure, sources: readonly Figure[]) => sources.some((s) => s.kind === f.kind && Math.abs(s.value - f.value) < 1e-9);
  for (const sentence of sentencesOf(variant.body)) {
    const figures = figuresIn(sentence);
    if (figures.length === 0) continue;
    const cited = citationsIn(sentence);
    if (cited.length === 0) {
      problems.push(`"${clip(sentence)}" states ${figures.map((f) => f.text).join(", ")} without citing a source`);
      continue;
    }
    const sources = figuresOf(cited);
    for (const f of figures) if (!stated(f, sources)) problems.push(`${f.text} does not appear in ${cited.map((c) => `[${c}]`).join(" ")}`);
  }
  const bodySources = figuresOf(citations);
  for (const f of figuresIn(variant.subject)) if (!stated(f, bodySources)) problems.push(`the subject's ${f.text} does not appear in any source the body cites`);
  return { ok: problems.length === 0, citations, problems };
}

function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
