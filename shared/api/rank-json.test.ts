import { describe, expect, it } from "vitest";
import { syntheticCatalog } from "../catalog/synthetic";
import { defaultConfig } from "../config/default";
import { decideRank, type DecideOptions } from "../decision/decide";
import { buildSnapshot } from "../decision/snapshot";
import { RankRequest } from "./schemas";
import { serializeRankResponse } from "./rank-json";

const NOW = Date.parse("2026-11-21T12:00:00Z");
const snapshot = buildSnapshot(syntheticCatalog(300), defaultConfig, "v", NOW);
const opts: DecideOptions = { now: NOW, requestId: "req_1", policyVersion: "p", userAgent: null, profileStatus: "new_visitor" };

describe("serializeRankResponse", () => {
  const request = (over: Record<string, unknown>) =>
    RankRequest.parse({ surface_id: "homepage.carousel", user_ctx: { anon_id: "anon_json_1", device: "mobile", consent: ["analytics", "personalization"] }, ...over });

  it("is byte for byte JSON.stringify, for every surface, with and without explanations and consent", () => {
    let checked = 0;
    for (const surface of defaultConfig.surfaces) {
      for (const explain of [false, true]) {
        for (const consent of [["analytics"], ["analytics", "personalization"]]) {
          const body = decideRank(snapshot, request({ surface_id: surface.id, explain, user_ctx: { anon_id: "anon_json_1", device: "desktop", consent } }), null, opts);
          expect(serializeRankResponse(body)).toBe(JSON.stringify(body));
          // Twice: the second answer reuses the remembered JSON of the shared parts.
          expect(serializeRankResponse(body)).toBe(JSON.stringify(body));
          checked++;
        }
      }
    }
    expect(checked).toBe(defaultConfig.surfaces.length * 4);
  });

  it("follows what changed after the decision: an arm's propensity and payload, unicode and quotes in text", () => {
    const body = decideRank(snapshot, request({}), null, opts);
    expect(body.items.length).toBeGreaterThan(0);
    body.experiment = { id: "hero_test", variant: "b", holdout: false, payload: { headline: 'Say "hi" — ünïcödé \u2028 ok' } };
    for (const item of body.items) item.propensity = 0.123457;
    body.items[0]!.reason = 'quote " backslash \\ newline \n';
    expect(serializeRankResponse(body)).toBe(JSON.stringify(body));
    expect(JSON.parse(serializeRankResponse(body))).toEqual(JSON.parse(JSON.stringify(body)));
  });

  it("shares item metadata between answers, and the shared objects cannot be changed", () => {
    const a = decideRank(snapshot, request({}), null, opts);
    const b = decideRank(snapshot, request({}), null, { ...opts, requestId: "req_2" });
    expect(a.items[0]!.metadata).toBe(b.items[0]!.metadata);
    expect(Object.isFrozen(a.items[0]!.metadata)).toBe(true);
    expect(() => {
      (a.items[0]!.metadata as { title: string }).title = "changed";
    }).toThrow(TypeError);
  });
});
