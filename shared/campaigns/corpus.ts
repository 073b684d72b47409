// The approved content corpus every campaign email is grounded in (brand guidelines, product facts, offers),
// and BM25 retrieval over it: a segment's variants may only state what these documents say, citing their ids.
import * as z from "zod";
import { tokenize } from "../content/tokenize";

export const CONTENT_KINDS = ["brand", "product", "offer"] as const;
export type ContentKind = (typeof CONTENT_KINDS)[number];

/** Ids look like `c123` so a citation `[c123]` is unambiguous in running text. */
export const ContentId = z.string().regex(/^c[a-z0-9_-]{1,40}$/, "content ids look like c123 (lowercase letters, digits, _ or -, after a leading c)");

export const ApprovedContentInput = z.strictObject({
  id: ContentId,
  kind: z.enum(CONTENT_KINDS),
  title: z.string().trim().min(3).max(200),
  body: z.string().trim().min(10).max(4000),
  tags: z.array(z.string().trim().min(1).max(40)).max(30).default([]),
});
export type ApprovedContentInput = z.infer<typeof ApprovedContentInput>;

export interface ApprovedContent {
  id: string;
  kind: ContentKind;
  title: string;
  body: string;
  tags: readonly string[];
}

export interface CorpusIndex {
  docs: readonly ApprovedContent[];
  byId: ReadonlyMap<string, ApprovedContent>;
  /** Term frequencies per document, document lengths and document frequencies for BM25. */
  tf: readonly Map<string, number>[];
  length: Float64Array;
  avgLength: number;
  df: ReadonlyMap<string, number>;
}

const K1 = 1.2;
const B = 0.75;

/** Title and tags count twice: they say what a document is about more densely than its body. */
function terms(doc: ApprovedContent, stems: Map<string, string>): string[] {
  const head = `${doc.title} ${doc.tags.join(" ")}`;
  return [...tokenize(head, stems), ...tokenize(head, stems), ...tokenize(doc.body, stems)];
}

export function buildCorpusIndex(docs: readonly ApprovedContent[]): CorpusIndex {
  const stems = new Map<string, string>();
  const tf: Map<string, number>[] = [];
  const length = new Float64Array(docs.length);
  const df = new Map<string, number>();
  docs.forEach((doc, i) => {
    const counts = new Map<string, number>();
    for (const t of terms(doc, stems)) counts.set(t, (counts.get(t) ?? 0) + 1);
    tf.push(counts);
    length[i] = [...counts.values()].reduce((s, c) => s + c, 0);
    for (const t of counts.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  });
  const avgLength = docs.length ? length.reduce((s, l) => s + l, 0) / docs.length : 0;
  return { docs, byId: new Map(docs.map((d) => [d.id, d])), tf, length, avgLength, df };
}

export interface Retrieved {
  doc: ApprovedContent;
  score: number;
}

/**
 * The `limit` best documents of the given kinds for a free-text query (BM25, Robertson–Spärck Jones idf with
 * the +1 that keeps it positive). Ties break by id so retrieval is deterministic.
 */
export function retrieve(index: CorpusIndex, query: string, opts: { kinds?: readonly ContentKind[]; limit: number; exclude?: ReadonlySet<string> }): Retrieved[] {
  const q = [...new Set(tokenize(query))];
  const n = index.docs.length;
  const out: Retrieved[] = [];
  index.docs.forEach((doc, i) => {
    if (opts.kinds && !opts.kinds.includes(doc.kind)) return;
    if (opts.exclude?.has(doc.id)) return;
    let score = 0;
    const norm = K1 * (1 - B + (B * index.length[i]!) / (index.avgLength || 1));
    for (const t of q) {
      const f = index.tf[i]!.get(t);
      if (!f) continue;
      const df = index.df.get(t) ?? 0;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      score += (idf * f * (K1 + 1)) / (f + norm);
    }
    out.push({ doc, score });
  });
  out.sort((a, b) => b.score - a.score || (a.doc.id < b.doc.id ? -1 : 1));
  return out.slice(0, opts.limit);
}
