import { describe, expect, it } from "vitest";
import { syntheticCatalog } from "../catalog/synthetic";
import { defaultConfig } from "../config/default";
import { decideRank, type DecideOptions } from "../decision/decide";
import { buildSnapshot } from "../decision/snapshot";
import { toIncomingEvents } from "../profile/events";
import { applyEvents, profileView } from "../profile/profile";
import { rankResponseJson } from "./rank-json";
import { RankRequest, type RankResponse } from "./schemas";

const NOW = Date.parse("2026-11-21T12:00:00Z");
const snapshot = buildSnapshot(syntheticCatalog(400), defaultConfig, "v", NOW);
const opts: DecideOptions = { now: NOW, requestId: "req_json", policyVersion: "p", userAgent: null, profileStatus: "ok" };

function profileOf(anonId: string, offset: number) {
  const products = snapshot.index.items.filter((i) => i.kind === "product").slice(offset, offset + 8);
  const events = products.map((p, k) => ({ type: "page_view" as const, ts: new Date(NOW - (10 - k) * 60_000).toISOString(), url: p.url, page_type: "product", product_id: p.id, category: p.category }));
  const incoming = toIncomingEvents({ anon_id: anonId, consent: ["analytics", "personalization"], events }, "shop.example");
  return profileView(applyEvents(null, anonId, "s1", "desktop", incoming, NOW, defaultConfig.ranking.interest_half_life_days));
}

describe("rankResponseJson", () => {
  it("writes exactly what JSON.stringify writes, for every surface, consent, explain flag and arm", () => {
    let answers = 0;
    for (const surface of snapshot.index.config.surfaces) {
      for (const consent of [["analytics"], ["analytics", "personalization"]]) {
        for (const explain of [false, true]) {
          for (const [k, profile] of [null, profileOf(`anon_json_${surface.id}`, answers % 20)].entries()) {
            const product = snapshot.index.items.find((i) => i.kind === "product")!;
            const req = RankRequest.parse({
              surface_id: surface.id,
              explain,
              context: { product_id: product.id, cart: [product.id] },
              user_ctx: { anon_id: `anon_json_${k}`, device: "mobile", consent, utm: { source: 'news"letter\\u2028', medium: "email" } },
            });
            const body = decideRank(snapshot, req, profile, opts);
            expect(rankResponseJson(body)).toBe(JSON.stringify(body));
            // An arm applied after the decision (as /v1/rank does) is written too.
            body.experiment = { id: "exp_hero", variant: "b", holdout: false, payload: { headline: "Ünïcode ✓", n: 0.1 + 0.2 } };
            for (const item of body.items) item.propensity = 1 / 3;
            expect(rankResponseJson(body)).toBe(JSON.stringify(body));
            answers++;
          }
        }
      }
    }
    expect(answers).toBe(snapshot.index.config.surfaces.length * 8);
  });

  it("never serves stale text for parts that are not frozen, and writes unexpected item keys", () => {
    const body = decideRank(snapshot, RankRequest.parse({ surface_id: "homepage.carousel", user_ctx: { anon_id: "anon_json_x", consent: [] } }), null, opts);
    const copy: RankResponse = structuredClone(body);
    expect(rankResponseJson(copy)).toBe(JSON.stringify(copy));
    copy.items[0]!.metadata.title = "changed";
    (copy.items[1] as Record<string, unknown>).extra = [1, 2];
    expect(rankResponseJson(copy)).toBe(JSON.stringify(copy));
    expect(JSON.parse(rankResponseJson(copy)).items[0].metadata.title).toBe("changed");
  });
});
