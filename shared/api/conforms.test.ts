import { describe, expect, it } from "vitest";
import * as z from "zod";
import { createRng } from "../catalog/prng";
import { conforms, parseFast, safeParseFast } from "./conforms";
import { DecisionMessage, FeedbackMessage, QueueMessage } from "./messages";
import { EventsRequest, FeedbackRequest, RankRequest } from "./schemas";

const decision = (): Record<string, unknown> => ({
  kind: "decision",
  request_id: `req_${"0123456789abcdef".repeat(2)}`,
  anon_id: "anon_0123456789ab",
  surface_id: "homepage.carousel",
  segment_id: "seg_buy_mobile_new",
  experiment_id: "carousel_layout",
  bandit_segment: null,
  arm: "grid",
  propensity: 0.5,
  holdout: false,
  items: ["sku_1", "sku_2", "sku_3"],
  policy_version: "2026-11-21",
  decided_at: "2026-11-24T10:00:00.000Z",
  top_score: 0.71,
});

const rankRequest = (): Record<string, unknown> => ({
  surface_id: "homepage.hero",
  user_ctx: { anon_id: "anon_0123456789ab", consent: ["analytics", "personalization"], referrer: "https://www.google.com/", utm: { source: "newsletter" }, page_type: "index" },
  context: { product_id: "sku_9" },
});

const events = (): Record<string, unknown> => ({
  anon_id: "anon_0123456789ab",
  consent: ["analytics"],
  events: [
    { type: "page_view", ts: "2026-11-24T10:00:00.000Z", url: "/p/1", page_type: "product", product_id: "sku_1" },
    { type: "quiz_answer", ts: "2026-11-24T10:00:01+01:00", quiz: { question: "skill", answer: "beginner" }, value: 3 },
  ],
});

const feedback = (): Record<string, unknown> => ({
  request_id: `req_${"0123456789abcdef".repeat(2)}`,
  item_id: "sku_1",
  reward: { type: "click", value: 1, timestamp: "2026-11-24T10:00:00Z" },
});

/** The rate limiter's look at a body's visitor: loose objects keep what their shape lacks. */
const LooseUserCtx = z.looseObject({ user_ctx: z.looseObject({ anon_id: z.string().min(1).max(128) }) });

/** Every kind of schema node the fast path knows, and some it must leave to zod. */
const Kitchen = z.object({
  lit: z.literal("k"),
  mode: z.enum(["a", "b"]),
  count: z.number().int().min(0).max(10),
  share: z.number().gt(0).lt(1),
  flag: z.boolean(),
  tags: z.array(z.string().min(1).max(3)).min(1).max(2),
  note: z.string().length(2).nullable().optional(),
  listed: z.array(z.string()).default([]),
  upper: z.string().transform((s) => s.toUpperCase()).optional(),
  nested: z.object({ id: z.string().regex(/^n[0-9]+$/) }).optional(),
  any: z.unknown(),
});
const kitchen = (): Record<string, unknown> => ({ lit: "k", mode: "a", count: 3, share: 0.5, flag: true, tags: ["x"], note: "ab", listed: [], nested: { id: "n1" }, any: { free: 1 } });

const ODD_VALUES: unknown[] = [
  undefined, null, "", "x", "ab", "abcd", "a".repeat(41), "a".repeat(65), "a".repeat(81), "a".repeat(129), "a".repeat(2049),
  `req_${"a".repeat(32)}`, `req_${"a".repeat(31)}G`, "n12", "n", "b", "k", 0, -1, 1, 10, 11, 0.5, 1.5, -0, NaN, Infinity, 2 ** 53,
  "2026-11-24T10:00:00Z", "2026-02-30T10:00:00Z", "2026-11-24 10:00:00", "NaN", "page_view", "click",
  true, false, [], ["x"], ["x", "y", "z"], [""], [1], Array.from({ length: 101 }, () => "s"), {}, { extra: 1 }, { id: "n3" }, new Date(0),
];

type Json = Record<string, unknown> | unknown[];

/** A copy of `value` with one random change somewhere inside it: a key replaced, removed or added. */
function mutate(value: unknown, rng: ReturnType<typeof createRng>): unknown {
  const copy: unknown = structuredClone(value);
  const containers: Json[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) {
      containers.push(v);
      v.forEach(walk);
    } else if (typeof v === "object" && v !== null && !(v instanceof Date)) {
      containers.push(v as Record<string, unknown>);
      Object.values(v).forEach(walk);
    }
  };
  walk(copy);
  const target = rng.pick(containers);
  const odd = rng.pick(ODD_VALUES);
  if (Array.isArray(target)) {
    if (target.length > 0 && rng.chance(0.7)) target[rng.int(0, target.length - 1)] = odd;
    else target.push(odd);
  } else {
    const keys = Object.keys(target);
    const roll = rng.next();
    if (roll < 0.15 && keys.length > 0) delete target[rng.pick(keys)];
    else if (roll < 0.25) target[`unknown_${rng.int(0, 3)}`] = odd;
    else if (keys.length > 0) target[rng.pick(keys)] = odd;
  }
  return copy;
}

describe("conforms: zod's answer, without zod's garbage", () => {
  const cases: [string, z.ZodType, () => Record<string, unknown>][] = [
    ["DecisionMessage", DecisionMessage, decision],
    ["RankRequest", RankRequest, rankRequest],
    ["EventsRequest", EventsRequest, events],
    ["FeedbackRequest", FeedbackRequest, feedback],
    ["kitchen sink", Kitchen, kitchen],
    // A loose object keeps what its shape lacks (the rate limiter's look at a body's visitor).
    ["loose object", LooseUserCtx, rankRequest],
    // A discriminated union, by each of two options.
    ["QueueMessage of one decision", QueueMessage, decision],
    ["QueueMessage of a window's decisions", QueueMessage, () => ({ kind: "decisions", decisions: [decision(), decision()] })],
  ];

  it.each(cases)("takes the fast path for a well-formed %s", (_, schema, sample) => {
    expect(conforms(schema, sample())).toBe(true);
    expect(schema.safeParse(sample()).success).toBe(true);
  });

  it.each(cases)("never accepts a %s that zod would reject or change (10,000 mutations, some stacked)", (_, schema, sample) => {
    const rng = createRng(17);
    let fast = 0;
    let zodOnly = 0;
    let rejected = 0;
    for (let k = 0; k < 10_000; k++) {
      let value: unknown = sample();
      for (let m = rng.int(1, 3); m > 0; m--) value = mutate(value, rng);
      const parsed = schema.safeParse(structuredClone(value));
      if (conforms(schema, value)) {
        fast++;
        expect(parsed.success, JSON.stringify(value)).toBe(true);
        expect(parsed.data).toStrictEqual(value);
      } else if (parsed.success) {
        zodOnly++;
      } else {
        rejected++;
      }
    }
    // The mutations reach all three outcomes: the test is not passing on a fast path that never answers.
    // (Seed 17 gives, fast / zod only / rejected: 1,422 / 388 / 8,190 for DecisionMessage, 374 / 717 / 8,909 for
    // FeedbackRequest, 7,088 / 285 / 2,627 for the window's decisions, whose entries wait for the consumer; the
    // loose object rejects 1,541.)
    expect(fast).toBeGreaterThan(250);
    // A loose object changes nothing it accepts, so there zod has nothing left to accept that conforms refused.
    if (schema !== LooseUserCtx) expect(zodOnly).toBeGreaterThan(200);
    expect(rejected).toBeGreaterThan(1000);
  });

  it("leaves to zod what zod would change: a default to apply, a transform, keys to strip", () => {
    const withDefault = kitchen();
    delete withDefault.listed;
    expect(conforms(Kitchen, withDefault)).toBe(false);
    expect(safeParseFast(Kitchen, withDefault).data!.listed).toEqual([]);
    expect(conforms(Kitchen, { ...kitchen(), upper: "abc" })).toBe(false);
    expect(parseFast(Kitchen, { ...kitchen(), upper: "abc" }).upper).toBe("ABC");
    expect(conforms(Kitchen, { ...kitchen(), stray: 1 })).toBe(false);
    expect(parseFast(Kitchen, { ...kitchen(), stray: 1 })).not.toHaveProperty("stray");
    const geo = { ...rankRequest(), user_ctx: { anon_id: "anon_0123456789ab", consent: [], geo: { country: "de" } } };
    expect(conforms(RankRequest, geo)).toBe(false);
    expect(parseFast(RankRequest, geo).user_ctx.geo?.country).toBe("DE");
  });

  it("answers a conforming value with the value itself, and a bad one with zod's own error", () => {
    const value = decision();
    const fast = safeParseFast(DecisionMessage, value);
    expect(fast.success && fast.data).toBe(value);
    const bad = safeParseFast(DecisionMessage, { ...value, propensity: 2 });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.path).toEqual(["propensity"]);
    expect(() => parseFast(FeedbackMessage, {})).toThrow(z.ZodError);
  });
});
