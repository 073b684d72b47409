// Known-answer tests for content search: BM25F scores worked out by hand on a tiny corpus, plus the
// analyzer (stemming, stopwords), filters, limits, freshness and the request contract.
import { describe, it, expect } from "vitest";
import { Item, type ItemInput } from "../catalog/item";
import {
  BM25_B,
  BM25_K1,
  ContentSearchRequest,
  DEFAULT_CONTENT_FIELD_WEIGHTS,
  buildContentIndex,
  searchContent,
} from "./search";
import { isStopword, splitWords, stem, tokenize } from "./tokenize";

const PUBLISHED = "2024-01-01T00:00:00Z";
const PUBLISHED_MS = Date.parse(PUBLISHED);
const DAY_MS = 86_400_000;
const NOW = new Date(PUBLISHED_MS + 30 * DAY_MS);

function catalogItem(fields: Partial<ItemInput> & Pick<ItemInput, "id" | "title">): Item {
  return Item.parse({
    kind: "content",
    url: `/guides/${fields.id}`,
    category: "guide",
    cluster: "general",
    skill_level: "beginner",
    price: 0,
    margin: 0,
    inventory: null,
    trend: 0,
    popularity: 0,
    published_at: PUBLISHED,
    ...fields,
  });
}

/*
 * The corpus, as the analyzer sees it (stopwords dropped, Porter stems), with the default weights
 * title 3, topics 2, summary 1.5, body 1. dl = Σ weight · number of terms in the field.
 *
 *   c1  title   "Conversion rate optimization"  -> convers rate optim         3 terms · 3   = 9
 *       topics  marketing                       -> market                     1 term  · 2   = 2
 *       summary "Optimize checkout"             -> optim checkout             2 terms · 1.5 = 3
 *       body    "Conversion rates rise"         -> convers rate rise          3 terms · 1   = 3   dl = 17
 *   c2  title   "Photo lighting basics"         -> photo light basic          3 · 3   = 9
 *       topics  photography                     -> photographi                1 · 2   = 2
 *       summary "Soft light"                    -> soft light                 2 · 1.5 = 3
 *       body    "Interest rate of light falloff"-> interest rate light falloff 4 · 1  = 4   dl = 18
 *   c3  title   "Pricing strategy"              -> price strategi             2 · 3   = 6
 *       topics  marketing                       -> market                     1 · 2   = 2
 *       summary ""                                                            0
 *       body    "Price anchoring"               -> price anchor               2 · 1   = 2   dl = 10
 *   p1  a product: not indexed by default.
 *
 *   N = 3, avgdl = (17 + 18 + 10) / 3 = 15
 *   length norm K(d) = k1 · (1 - b + b · dl / avgdl) with k1 = 1.2, b = 0.75:
 *     K(c1) = 1.2 · (0.25 + 0.75 · 17/15) = 1.2 · 1.10 = 1.32
 *     K(c2) = 1.2 · (0.25 + 0.75 · 18/15) = 1.2 · 1.15 = 1.38
 */
const corpus: Item[] = [
  catalogItem({
    id: "c1",
    title: "Conversion rate optimization",
    topics: ["marketing"],
    summary: "Optimize checkout",
    body: "Conversion rates rise",
    personas: ["growth_marketer"],
    skill_level: "intermediate",
    jurisdictions: ["US", "CA"],
    url: "/guides/cro",
  }),
  catalogItem({
    id: "c2",
    title: "Photo lighting basics",
    topics: ["photography"],
    summary: "Soft light",
    body: "Interest rate of light falloff",
    skill_level: "beginner",
    jurisdictions: ["DE"],
    published_at: new Date(PUBLISHED_MS - 60 * DAY_MS).toISOString(),
  }),
  catalogItem({
    id: "c3",
    title: "Pricing strategy",
    topics: ["marketing"],
    body: "Price anchoring",
    skill_level: "pro",
  }),
  catalogItem({
    id: "p1",
    kind: "product",
    category: "photo",
    title: "Conversion rate optimization toolkit",
    price: 49,
    margin: 0.6,
  }),
];
const index = buildContentIndex(corpus);

describe("tokenize", () => {
  it("lowercases, splits on punctuation and drops stopwords", () => {
    expect(tokenize("How to optimize THE conversion-rates!")).toEqual(["optim", "convers", "rate"]);
  });

  it("conflates inflections of one word", () => {
    const forms = ["optimize", "optimizing", "optimization", "optimized", "optimizes"].map(stem);
    expect(new Set(forms)).toEqual(new Set(["optim"]));
    expect(stem("rates")).toBe(stem("rate"));
    expect(stem("conversions")).toBe(stem("conversion"));
  });

  it("follows Porter's published examples", () => {
    const examples: Record<string, string> = {
      caresses: "caress",
      ponies: "poni",
      cats: "cat",
      feed: "feed",
      agreed: "agre",
      motoring: "motor",
      hopping: "hop",
      falling: "fall",
      relational: "relat",
      conditional: "condit",
      rational: "ration",
      adjustable: "adjust",
      effective: "effect",
      controll: "control",
      roll: "roll",
      generalizations: "gener",
    };
    for (const [word, expected] of Object.entries(examples)) expect(stem(word)).toBe(expected);
  });

  it("splits Unicode text and folds Latin accents", () => {
    expect(splitWords("Café NAÏVE, customer’s don't")).toEqual(["cafe", "naive", "customer", "dont"]);
    expect(tokenize("Привет, мир")).toEqual(["привет", "мир"]);
    expect(tokenize("東京")).toEqual(["東", "京"]);
    expect(tokenize("4k HDR10")).toEqual(["4k", "hdr10"]);
  });

  it("gives the same terms with a stem cache, and fills it", () => {
    const cache = new Map<string, string>();
    const text = "Optimizing conversion rates: optimization basics";
    expect(tokenize(text, cache)).toEqual(tokenize(text));
    expect(tokenize(text, cache)).toEqual(tokenize(text));
    expect(cache.get("optimizing")).toBe("optim");
  });

  it("recognises stopwords", () => {
    expect(isStopword("the")).toBe(true);
    expect(isStopword("dont")).toBe(true);
    expect(isStopword("conversion")).toBe(false);
    expect(tokenize("the of and how to")).toEqual([]);
  });
});

describe("buildContentIndex", () => {
  it("indexes only content items, with weighted lengths and their average", () => {
    expect(index.docCount).toBe(3);
    expect(index.docs.map((doc) => doc.id)).toEqual(["c1", "c2", "c3"]);
    expect([...index.docLengths]).toEqual([17, 18, 10]);
    expect(index.avgDocLength).toBe(15);
    expect(index.fieldWeights).toEqual(DEFAULT_CONTENT_FIELD_WEIGHTS);
    expect([index.k1, index.b]).toEqual([BM25_K1, BM25_B]);
  });

  it("stores weighted term frequencies and non-negative IDF", () => {
    const rate = index.postings.get("rate");
    // rate: c1 title (3) + body (1) = 4; c2 body = 1. df = 2: idf = ln(1 + (3 - 2 + 0.5)/(2 + 0.5)) = ln 1.6
    expect(rate && [...rate.docs]).toEqual([0, 1]);
    expect(rate && [...rate.weightedTf]).toEqual([4, 1]);
    expect(rate?.idf).toBeCloseTo(Math.log(1.6), 12);
    // market: in 2 of 3 documents; ln(1 + 1.5/2.5) is still > 0
    expect(index.postings.get("market")?.idf).toBeGreaterThan(0);
  });

  it("indexes other kinds when asked", () => {
    const all = buildContentIndex(corpus, { kinds: ["content", "product"] });
    expect(all.docCount).toBe(4);
    const hits = searchContent(all, { query: "toolkit" }, NOW);
    expect(hits.map((hit) => hit.content_id)).toEqual(["p1"]);
  });

  it("applies field weight overrides, and a zero weight leaves the field unindexed", () => {
    const titleOnly = buildContentIndex(corpus, { fieldWeights: { summary: 0, body: 0, topics: 0 } });
    expect(titleOnly.fieldWeights).toEqual({ title: 3, summary: 0, body: 0, topics: 0 });
    expect([...titleOnly.docLengths]).toEqual([9, 9, 6]);
    // "anchoring" is only in c3's body
    expect(searchContent(titleOnly, { query: "anchoring" }, NOW)).toEqual([]);
    expect(() => buildContentIndex(corpus, { fieldWeights: { title: -1 } })).toThrow(RangeError);
  });

  it("rejects duplicate ids", () => {
    const [first] = corpus;
    if (first === undefined) throw new Error("corpus is empty");
    expect(() => buildContentIndex([first, first])).toThrow(/duplicate/);
  });

  it("handles an empty catalog", () => {
    const empty = buildContentIndex([]);
    expect(empty.docCount).toBe(0);
    expect(searchContent(empty, { query: "conversion" }, NOW)).toEqual([]);
  });
});

describe("searchContent", () => {
  it("scores a document exactly as BM25F by hand", () => {
    /*
     * query "optimize conversion" -> terms optim, convers; both occur only in c1:
     *   df = 1, idf = ln(1 + (3 - 1 + 0.5)/(1 + 0.5)) = ln(1 + 2.5/1.5) = ln(8/3)
     *   tf(optim, c1)   = title 1·3 + summary 1·1.5 = 4.5
     *   tf(convers, c1) = title 1·3 + body 1·1      = 4
     *   score = ln(8/3) · [4.5·2.2/(4.5 + 1.32) + 4·2.2/(4 + 1.32)]
     *         = ln(8/3) · [9.9/5.82 + 8.8/5.32]
     *   similarity = score / (2 · ln(8/3) · 2.2), the supremum for two terms of idf ln(8/3)
     */
    const idf = Math.log(8 / 3);
    const expected = idf * (9.9 / 5.82 + 8.8 / 5.32);
    const hits = searchContent(index, { query: "optimize conversion" }, NOW);
    expect(hits).toHaveLength(1);
    const [hit] = hits;
    expect(hit?.content_id).toBe("c1");
    expect(Math.abs((hit?.score ?? 0) - expected)).toBeLessThan(1e-9);
    expect(Math.abs((hit?.similarity ?? 0) - expected / (2 * idf * 2.2))).toBeLessThan(1e-9);
    expect(hit).toMatchObject({ title: "Conversion rate optimization", url: "/guides/cro", topics: ["marketing"] });
  });

  it("ranks a conversion-rate guide above a page that mentions rate once", () => {
    /*
     * query "how to optimize conversion rates" -> optim, convers, rate ("how", "to" are stopwords)
     *   c1 = ln(8/3)·(9.9/5.82 + 8.8/5.32) + ln(1.6)·4·2.2/(4 + 1.32)
     *   c2 = ln(1.6)·1·2.2/(1 + 1.38)
     */
    const c1 = Math.log(8 / 3) * (9.9 / 5.82 + 8.8 / 5.32) + (Math.log(1.6) * 8.8) / 5.32;
    const c2 = (Math.log(1.6) * 2.2) / 2.38;
    const hits = searchContent(index, { query: "how to optimize conversion rates" }, NOW);
    expect(hits.map((hit) => hit.content_id)).toEqual(["c1", "c2"]);
    expect(Math.abs((hits[0]?.score ?? 0) - c1)).toBeLessThan(1e-9);
    expect(Math.abs((hits[1]?.score ?? 0) - c2)).toBeLessThan(1e-9);
    for (const hit of hits) {
      expect(hit.similarity).toBeGreaterThan(0);
      expect(hit.similarity).toBeLessThan(1);
    }
    expect(hits[0]?.similarity).toBeGreaterThan(hits[1]?.similarity ?? 1);
  });

  it("ignores stopwords and repeated words in the query", () => {
    const plain = searchContent(index, { query: "optimize conversion" }, NOW);
    expect(searchContent(index, { query: "How do I optimize the conversion?" }, NOW)).toEqual(plain);
    expect(searchContent(index, { query: "optimize optimizing conversion" }, NOW)).toEqual(plain);
  });

  it("returns [] when nothing matches", () => {
    expect(searchContent(index, { query: "underwater basket weaving" }, NOW)).toEqual([]);
    expect(searchContent(index, { query: "the and of" }, NOW)).toEqual([]);
  });

  it("filters by topic", () => {
    const hits = searchContent(index, { query: "rate price", filters: { topics: ["Marketing"] } }, NOW);
    expect(hits.map((hit) => hit.content_id).sort()).toEqual(["c1", "c3"]);
  });

  it("filters by persona or skill level", () => {
    const query = "rate price";
    const bySkill = searchContent(index, { query, filters: { personas: ["intermediate"] } }, NOW);
    expect(bySkill.map((hit) => hit.content_id)).toEqual(["c1"]);
    const byPersona = searchContent(index, { query, filters: { personas: ["growth_marketer", "pro"] } }, NOW);
    expect(byPersona.map((hit) => hit.content_id).sort()).toEqual(["c1", "c3"]);
  });

  it("filters by jurisdiction, an empty list meaning everywhere", () => {
    const query = "rate price";
    const us = searchContent(index, { query, filters: { jurisdictions: ["US"] } }, NOW);
    expect(us.map((hit) => hit.content_id).sort()).toEqual(["c1", "c3"]);
    const de = searchContent(index, { query, filters: { jurisdictions: ["de"] } }, NOW);
    expect(de.map((hit) => hit.content_id).sort()).toEqual(["c2", "c3"]);
    const unfiltered = searchContent(index, { query, filters: { jurisdictions: [] } }, NOW);
    expect(unfiltered).toHaveLength(3);
  });

  it("applies the limit after ranking", () => {
    const all = searchContent(index, { query: "rate price" }, NOW);
    expect(all).toHaveLength(3);
    expect(searchContent(index, { query: "rate price", limit: 1 }, NOW)).toEqual(all.slice(0, 1));
    expect(() => searchContent(index, { query: "rate", limit: 0 }, NOW)).toThrow(RangeError);
    expect(() => searchContent(index, { query: "rate", limit: 51 }, NOW)).toThrow(RangeError);
  });

  it("breaks score ties by id", () => {
    const twins = buildContentIndex([
      catalogItem({ id: "b", title: "Color grading" }),
      catalogItem({ id: "a", title: "Color grading" }),
    ]);
    const hits = searchContent(twins, { query: "grading" }, NOW);
    expect(hits.map((hit) => hit.content_id)).toEqual(["a", "b"]);
    expect(hits[0]?.score).toBe(hits[1]?.score);
  });

  it("scores freshness by half-life", () => {
    // c1 is 30 days old at NOW, c2 is 90 days old: exp(-ln2 · 90/90) = 0.5
    const hits = searchContent(index, { query: "rate" }, NOW);
    const byId = new Map(hits.map((hit) => [hit.content_id, hit.freshness_score]));
    expect(byId.get("c2")).toBeCloseTo(0.5, 12);
    expect(byId.get("c1")).toBeCloseTo(Math.exp((-Math.LN2 * 30) / 90), 12);
    // a 30-day half-life: c2 at 90 days is three half-lives old
    const short = searchContent(index, { query: "rate" }, NOW, 30);
    expect(short.find((hit) => hit.content_id === "c2")?.freshness_score).toBeCloseTo(0.125, 12);
    // published after `now`: counted as brand new
    const early = searchContent(index, { query: "optimize" }, new Date(PUBLISHED_MS - DAY_MS));
    expect(early[0]?.freshness_score).toBe(1);
    expect(() => searchContent(index, { query: "rate" }, NOW, 0)).toThrow(RangeError);
  });
});

describe("ContentSearchRequest", () => {
  it("accepts the contract example and defaults the limit", () => {
    const parsed = ContentSearchRequest.parse({
      query: "  how to optimize conversion rates ",
      filters: { topics: ["marketing"], personas: ["intermediate"], jurisdictions: ["US"] },
    });
    expect(parsed).toEqual({
      query: "how to optimize conversion rates",
      filters: { topics: ["marketing"], personas: ["intermediate"], jurisdictions: ["US"] },
      limit: 10,
    });
    expect(searchContent(index, parsed, NOW).map((hit) => hit.content_id)).toEqual(["c1"]);
  });

  it("rejects malformed requests", () => {
    const bad: unknown[] = [
      { query: "   " },
      { query: "x".repeat(501) },
      { query: "rate", limit: 0 },
      { query: "rate", limit: 51 },
      { query: "rate", limit: 2.5 },
      { query: "rate", filters: { topic: ["marketing"] } },
      { query: "rate", filters: { topics: Array.from({ length: 21 }, (_, i) => `t${i}`) } },
      { query: "rate", filters: { topics: ["x".repeat(41)] } },
      { query: "rate", filters: { jurisdictions: ["USA"] } },
    ];
    for (const body of bad) expect(ContentSearchRequest.safeParse(body).success).toBe(false);
  });
});
