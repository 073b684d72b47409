// Lexical content search behind POST /v1/content/search: a BM25F inverted index built once per
// catalog snapshot, queried with topic/persona/jurisdiction filters and a freshness signal.
import * as z from "zod";
import type { Item } from "../catalog/item";
import { tokenize } from "./tokenize";

/** BM25 term-frequency saturation: how quickly extra occurrences of a term stop adding score. */
export const BM25_K1 = 1.2;
/** BM25 length normalization: 0 ignores document length, 1 fully scales tf by length / average length. */
export const BM25_B = 0.75;
export const DEFAULT_CONTENT_SEARCH_LIMIT = 10;
export const MAX_CONTENT_SEARCH_LIMIT = 50;
export const DEFAULT_FRESHNESS_HALF_LIFE_DAYS = 90;

const MS_PER_DAY = 86_400_000;
const MAX_QUERY_CHARS = 500;
const MAX_FILTER_VALUES = 20;
const MAX_FILTER_VALUE_CHARS = 40;

/** How much one occurrence of a term in each field counts, relative to one in the body. */
export interface ContentFieldWeights {
  readonly title: number;
  readonly summary: number;
  readonly body: number;
  readonly topics: number;
}

/** A title word says more about what a guide is about than a body word does; topics are curated labels. */
export const DEFAULT_CONTENT_FIELD_WEIGHTS: ContentFieldWeights = Object.freeze({
  title: 3,
  topics: 2,
  summary: 1.5,
  body: 1,
});

const FIELDS = ["title", "summary", "body", "topics"] as const satisfies readonly (keyof ContentFieldWeights)[];

export interface ContentIndexOptions {
  /** Overrides of DEFAULT_CONTENT_FIELD_WEIGHTS; a field weighted 0 is not indexed at all. */
  readonly fieldWeights?: Partial<ContentFieldWeights>;
  /** Item kinds to index; default only "content" (products have no editorial body to search). */
  readonly kinds?: readonly Item["kind"][];
}

/** Where one term occurs: parallel arrays of document numbers (ascending) and weighted term frequencies. */
export interface TermPostings {
  /** ln(1 + (N - df + 0.5) / (df + 0.5)), df = docs.length. */
  readonly idf: number;
  readonly docs: Uint32Array;
  /** Σ over fields of weight(field) · occurrences of the term in that field. */
  readonly weightedTf: Float64Array;
}

/** What a search needs of an indexed item besides its terms: filter keys and the result fields. */
export interface IndexedContent {
  readonly id: string;
  readonly title: string;
  readonly url: string;
  readonly topics: readonly string[];
  /** Lowercased topics, for case-insensitive topic filters. */
  readonly topicKeys: ReadonlySet<string>;
  /** Lowercased personas plus the skill level: the contract's persona filter passes skill levels too. */
  readonly audienceKeys: ReadonlySet<string>;
  /** Uppercased ISO country codes; empty means shown everywhere. */
  readonly jurisdictions: ReadonlySet<string>;
  /** published_at in epoch milliseconds; NaN if unparseable. */
  readonly publishedAtMs: number;
}

/**
 * A BM25F index over one catalog snapshot. Immutable: build a new one when the catalog changes.
 *
 * Model (the "simple BM25F" of Robertson & Zaragoza, as in Lucene's CombinedFieldQuery): fields are
 * merged into one virtual document in which an occurrence in field f counts weight(f) times, both in
 * the term frequency and in the document length:
 *   tf(t, d)  = Σ_f w_f · tf_f(t, d)
 *   dl(d)     = Σ_f w_f · |terms of field f of d|        (terms after stopword removal)
 *   avgdl     = mean of dl(d) over the N indexed documents
 *   idf(t)    = ln(1 + (N - df(t) + 0.5) / (df(t) + 0.5)), df(t) = documents with t in any indexed field
 *   score(d)  = Σ over distinct query terms t of idf(t) · tf·(k1 + 1) / (tf + k1·(1 - b + b·dl/avgdl))
 * IDF is a property of the whole snapshot: query filters narrow the results, not the statistics.
 */
export interface ContentIndex {
  readonly docCount: number;
  readonly avgDocLength: number;
  readonly fieldWeights: ContentFieldWeights;
  readonly k1: number;
  readonly b: number;
  readonly docs: readonly IndexedContent[];
  /** dl(d) per document number. */
  readonly docLengths: Float64Array;
  /** k1·(1 - b + b·dl/avgdl) per document number: the length part of the BM25 denominator, precomputed. */
  readonly lengthNorms: Float64Array;
  readonly postings: ReadonlyMap<string, TermPostings>;
}

/** BM25+/Lucene IDF: never negative, so a term in most documents still counts a little, never against. */
function bm25Idf(docCount: number, documentFrequency: number): number {
  return Math.log(1 + (docCount - documentFrequency + 0.5) / (documentFrequency + 0.5));
}

function resolveFieldWeights(overrides: Partial<ContentFieldWeights> | undefined): ContentFieldWeights {
  const weights = { ...DEFAULT_CONTENT_FIELD_WEIGHTS, ...overrides };
  for (const field of FIELDS) {
    const weight = weights[field];
    if (!Number.isFinite(weight) || weight < 0) {
      throw new RangeError(`field weight for ${field} must be a finite number >= 0, got ${weight}`);
    }
  }
  if (FIELDS.every((field) => weights[field] === 0)) {
    throw new RangeError("at least one field weight must be > 0");
  }
  return Object.freeze(weights);
}

function fieldText(item: Item, field: keyof ContentFieldWeights): string {
  // Topics are slugs such as "conversion_rate"; joining them lets the tokenizer split them into words.
  return field === "topics" ? item.topics.join(" ") : item[field];
}

/** Builds the search index of `items` (only kind "content" unless `options.kinds` says otherwise). */
export function buildContentIndex(items: readonly Item[], options: ContentIndexOptions = {}): ContentIndex {
  const fieldWeights = resolveFieldWeights(options.fieldWeights);
  const kinds = new Set<Item["kind"]>(options.kinds ?? ["content"]);
  const weightedFields = FIELDS.filter((field) => fieldWeights[field] > 0);

  const docs: IndexedContent[] = [];
  const docLengthList: number[] = [];
  const building = new Map<string, { docs: number[]; weightedTf: number[] }>();
  const seenIds = new Set<string>();
  const stemCache = new Map<string, string>();

  for (const item of items) {
    if (!kinds.has(item.kind)) continue;
    // Ids are the catalog's primary key; a duplicate means a broken snapshot, and keeping either
    // copy would make results depend on row order.
    if (seenIds.has(item.id)) throw new Error(`duplicate item id in catalog snapshot: ${item.id}`);
    seenIds.add(item.id);

    const docNumber = docs.length;
    const termFrequencies = new Map<string, number>();
    let docLength = 0;
    for (const field of weightedFields) {
      const weight = fieldWeights[field];
      const terms = tokenize(fieldText(item, field), stemCache);
      docLength += weight * terms.length;
      for (const term of terms) termFrequencies.set(term, (termFrequencies.get(term) ?? 0) + weight);
    }
    for (const [term, weightedTf] of termFrequencies) {
      let postings = building.get(term);
      if (postings === undefined) {
        postings = { docs: [], weightedTf: [] };
        building.set(term, postings);
      }
      postings.docs.push(docNumber);
      postings.weightedTf.push(weightedTf);
    }

    docs.push({
      id: item.id,
      title: item.title,
      url: item.url,
      topics: [...item.topics],
      topicKeys: new Set(item.topics.map(normalizeKey)),
      audienceKeys: new Set([...item.personas, item.skill_level].map(normalizeKey)),
      jurisdictions: new Set(item.jurisdictions.map(normalizeCountry)),
      publishedAtMs: Date.parse(item.published_at),
    });
    docLengthList.push(docLength);
  }

  const docCount = docs.length;
  const docLengths = Float64Array.from(docLengthList);
  const avgDocLength = docCount === 0 ? 0 : docLengths.reduce((sum, length) => sum + length, 0) / docCount;
  const lengthNorms = new Float64Array(docCount);
  for (let d = 0; d < docCount; d++) {
    // An index of only empty documents has avgdl 0; nothing can match there, so any finite norm will do.
    const relativeLength = avgDocLength > 0 ? (docLengths[d] ?? 0) / avgDocLength : 1;
    lengthNorms[d] = BM25_K1 * (1 - BM25_B + BM25_B * relativeLength);
  }

  const postings = new Map<string, TermPostings>();
  for (const [term, list] of building) {
    postings.set(term, {
      idf: bm25Idf(docCount, list.docs.length),
      docs: Uint32Array.from(list.docs),
      weightedTf: Float64Array.from(list.weightedTf),
    });
  }

  return {
    docCount,
    avgDocLength,
    fieldWeights,
    k1: BM25_K1,
    b: BM25_B,
    docs,
    docLengths,
    lengthNorms,
    postings,
  };
}

// ---------------------------------------------------------------------------------------------
// Request contract

const FilterValues = z.array(z.string().trim().min(1).max(MAX_FILTER_VALUE_CHARS)).max(MAX_FILTER_VALUES);

/**
 * Optional narrowing of the results; an omitted or empty list does not filter. Strict, because a
 * misspelt key ("topic") would otherwise be dropped silently and widen the results unnoticed.
 */
export const ContentSearchFilters = z.strictObject({
  /** Keep items tagged with any of these topics. */
  topics: FilterValues.optional(),
  /** Keep items aimed at any of these personas, or at any of these skill levels. */
  personas: FilterValues.optional(),
  /** Keep items that may be shown in any of these countries (ISO 3166 alpha-2). */
  jurisdictions: z
    .array(z.string().trim().regex(/^[A-Za-z]{2}$/, "jurisdictions are ISO 3166 alpha-2 country codes"))
    .max(MAX_FILTER_VALUES)
    .optional(),
});
export type ContentSearchFilters = z.infer<typeof ContentSearchFilters>;

/** Body of POST /v1/content/search. */
export const ContentSearchRequest = z.object({
  query: z.string().trim().min(1).max(MAX_QUERY_CHARS),
  filters: ContentSearchFilters.optional(),
  limit: z.number().int().min(1).max(MAX_CONTENT_SEARCH_LIMIT).default(DEFAULT_CONTENT_SEARCH_LIMIT),
});
export type ContentSearchRequest = z.infer<typeof ContentSearchRequest>;
/** What callers send: `limit` may be omitted. */
export type ContentSearchRequestInput = z.input<typeof ContentSearchRequest>;

/** What `searchContent` needs; a parsed ContentSearchRequest is one. */
export interface ContentSearchParams {
  readonly query: string;
  readonly filters?:
    | {
        readonly topics?: readonly string[] | undefined;
        readonly personas?: readonly string[] | undefined;
        readonly jurisdictions?: readonly string[] | undefined;
      }
    | undefined;
  /** 1..MAX_CONTENT_SEARCH_LIMIT; default DEFAULT_CONTENT_SEARCH_LIMIT. */
  readonly limit?: number | undefined;
}

export interface ContentSearchResult {
  content_id: string;
  title: string;
  url: string;
  /** Lexical match quality in 0..1: the raw score over the best score this query could reach. */
  similarity: number;
  topics: string[];
  /** exp(-ln2 · age_days / half_life): 1 when just published, 0.5 one half-life later. */
  freshness_score: number;
  /** Raw BM25F score, the ranking key. */
  score: number;
}

function normalizeKey(value: string): string {
  return value.trim().toLowerCase();
}

function normalizeCountry(value: string): string {
  return value.trim().toUpperCase();
}

/** A filter as a set of keys, or undefined when it does not restrict anything. */
function filterKeys(values: readonly string[] | undefined, normalize: (value: string) => string): ReadonlySet<string> | undefined {
  if (values === undefined || values.length === 0) return undefined;
  return new Set(values.map(normalize));
}

function intersects(wanted: ReadonlySet<string>, have: ReadonlySet<string>): boolean {
  for (const key of wanted) if (have.has(key)) return true;
  return false;
}

/** exp(-ln2 · age / half-life), with items dated in the future counted as brand new. */
function freshness(publishedAtMs: number, nowMs: number, halfLifeDays: number): number {
  if (!Number.isFinite(publishedAtMs)) return 0;
  const ageDays = Math.max(0, (nowMs - publishedAtMs) / MS_PER_DAY);
  return Math.exp((-Math.LN2 * ageDays) / halfLifeDays);
}

/**
 * The `limit` best content items for `params.query`, best first (score descending, then id
 * ascending), among those passing the filters. Items matching no query term are never returned, so
 * a query whose terms are all stopwords or unknown yields [].
 *
 * `similarity` is score / maxScore with maxScore = Σ over distinct query terms of idf(t)·(k1 + 1),
 * the supremum of BM25 for this query (each term's tf·(k1+1)/(tf + norm) approaches k1 + 1 as tf
 * grows; a term absent from the index takes the idf of df = 0). Unlike dividing by the top hit's
 * score, this keeps absolute meaning: a lone weak match is not reported as a perfect 1, and a hit
 * that covers only some of the query's words scores lower than one that covers them all. It is in
 * 0..1 (strictly below 1) and, for a given query, proportional to the raw score.
 */
export function searchContent(
  index: ContentIndex,
  params: ContentSearchParams,
  now: Date,
  freshnessHalfLifeDays: number = DEFAULT_FRESHNESS_HALF_LIFE_DAYS,
): ContentSearchResult[] {
  const limit = params.limit ?? DEFAULT_CONTENT_SEARCH_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_CONTENT_SEARCH_LIMIT) {
    throw new RangeError(`limit must be an integer in 1..${MAX_CONTENT_SEARCH_LIMIT}, got ${limit}`);
  }
  if (!Number.isFinite(freshnessHalfLifeDays) || freshnessHalfLifeDays <= 0) {
    throw new RangeError(`freshness half-life must be a positive number of days, got ${freshnessHalfLifeDays}`);
  }
  const nowMs = now.getTime();
  if (Number.isNaN(nowMs)) throw new RangeError("now is an invalid Date");

  // A repeated query word adds no evidence about the documents, so each distinct term counts once.
  const terms = [...new Set(tokenize(params.query))];
  if (terms.length === 0 || index.docCount === 0) return [];

  const { k1, lengthNorms } = index;
  const scores = new Float64Array(index.docCount);
  const matched: number[] = [];
  let maxScore = 0;
  for (const term of terms) {
    const postings = index.postings.get(term);
    maxScore += (postings?.idf ?? bm25Idf(index.docCount, 0)) * (k1 + 1);
    if (postings === undefined) continue;
    const { idf, docs, weightedTf } = postings;
    for (let i = 0; i < docs.length; i++) {
      const d = docs[i] ?? 0;
      const tf = weightedTf[i] ?? 0;
      // Every posting has tf > 0 and idf > 0, so a document's score becomes > 0 on its first match.
      if (scores[d] === 0) matched.push(d);
      scores[d] = (scores[d] ?? 0) + (idf * tf * (k1 + 1)) / (tf + (lengthNorms[d] ?? k1));
    }
  }

  const topicFilter = filterKeys(params.filters?.topics, normalizeKey);
  const audienceFilter = filterKeys(params.filters?.personas, normalizeKey);
  const countryFilter = filterKeys(params.filters?.jurisdictions, normalizeCountry);

  const hits: { doc: IndexedContent; score: number }[] = [];
  for (const d of matched) {
    const doc = index.docs[d];
    if (doc === undefined) continue;
    if (topicFilter !== undefined && !intersects(topicFilter, doc.topicKeys)) continue;
    if (audienceFilter !== undefined && !intersects(audienceFilter, doc.audienceKeys)) continue;
    if (countryFilter !== undefined && doc.jurisdictions.size > 0 && !intersects(countryFilter, doc.jurisdictions)) {
      continue;
    }
    hits.push({ doc, score: scores[d] ?? 0 });
  }

  hits.sort((x, y) => y.score - x.score || compareIds(x.doc.id, y.doc.id));

  return hits.slice(0, limit).map(({ doc, score }) => ({
    content_id: doc.id,
    title: doc.title,
    url: doc.url,
    similarity: Math.min(1, Math.max(0, score / maxScore)),
    topics: [...doc.topics],
    freshness_score: freshness(doc.publishedAtMs, nowMs, freshnessHalfLifeDays),
    score,
  }));
}

// Code-unit order, not localeCompare: the tie order must not depend on the runtime's locale data.
function compareIds(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}
