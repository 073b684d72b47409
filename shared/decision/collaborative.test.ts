// Collaborative filtering in the rank path: the visitor's items are folded into the active model's factor
// space, and items that shoppers with the same taste liked rise, beside content similarity.
import { describe, expect, it } from "vitest";
import { demoCatalog } from "../catalog/demo";
import { createRng } from "../catalog/prng";
import { defaultConfig } from "../config/default";
import { applyEvents, profileView } from "../profile/profile";
import { trainAls } from "../recsys/als";
import { buildInteractionMatrix } from "../recsys/interactions";
import { encodeItemVectors } from "../recsys/vectors";
import { decideRank } from "./decide";
import { attachCf, buildSnapshot } from "./snapshot";

const NOW = Date.parse("2026-11-21T12:00:00Z");

describe("collaborative filtering in /v1/rank's decision", () => {
  it("ranks what shoppers with the visitor's taste bought higher, and says so; without the model, ranking is unchanged", () => {
    const catalog = demoCatalog();
    const products = catalog.filter((i) => i.kind === "product").map((i) => i.id);
    // Two taste groups over interleaved products (so category and tags do not separate them): evens and odds.
    const groupA = products.filter((_, k) => k % 2 === 0);
    const groupB = products.filter((_, k) => k % 2 === 1);
    const rng = createRng(3);
    const events = [];
    for (let v = 0; v < 400; v++) {
      const taste = v % 2 === 0 ? groupA : groupB;
      for (let k = 0; k < 15; k++) events.push({ visitor: `v${v}`, item: rng.pick(taste), type: "purchase" as const });
    }
    const model = trainAls(buildInteractionMatrix(events), { factors: 8, iterations: 10 });
    const published = encodeItemVectors(model.items, { alpha: model.params.alpha, regularization: model.params.regularization });

    // The visitor viewed three group-A products.
    const seen = groupA.slice(0, 3);
    const profile = profileView(
      applyEvents(null, "anon_cf", "s1", "desktop", seen.map((id, k) => ({ id: `e${k}`, type: "page_view" as const, ts: NOW - 60_000 + k, page_type: "product", category: null, product_id: id, query: null, quiz: null, entry: null })), NOW, 7),
    );
    const request = { surface_id: "homepage.carousel", limit: 10, user_ctx: { anon_id: "anon_cf", device: "desktop", consent: ["analytics", "personalization"] } } as const;
    const opts = { now: NOW, requestId: "req_cf", policyVersion: "t", userAgent: null, profileStatus: "ok" as const };

    const plain = buildSnapshot(catalog, defaultConfig, "v", NOW);
    const withoutCf = decideRank(plain, request as never, profile, opts);
    const withCfSnapshot = buildSnapshot(catalog, defaultConfig, "v", NOW);
    expect(attachCf(withCfSnapshot, "cf:test", published)).not.toBeNull();
    const withCf = decideRank(withCfSnapshot, request as never, profile, opts);

    const share = (items: { content_id: string }[]) => items.filter((i) => groupA.includes(i.content_id)).length / items.length;
    expect(share(withCf.items)).toBeGreaterThan(share(withoutCf.items));
    expect(share(withCf.items) - share(withoutCf.items)).toBeGreaterThanOrEqual(0.15);
    expect(withCf.items.some((i) => i.reason.includes("liked by shoppers with your taste"))).toBe(true);
    // A snapshot without a model ranks exactly as before (content only).
    expect(decideRank(buildSnapshot(catalog, defaultConfig, "v", NOW), request as never, profile, opts).items.map((i) => i.content_id)).toEqual(withoutCf.items.map((i) => i.content_id));
    // A model that does not decode is ignored rather than breaking ranking.
    expect(attachCf(buildSnapshot(catalog, defaultConfig, "v", NOW), "cf:bad", { nonsense: true })).toBeNull();
  });
});
