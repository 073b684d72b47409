// /v1/rank and /v1/events through the Worker in workerd: the seed journeys, consent, surfaces, fallbacks,
// and the hot-path rule (no D1 query per rank).
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { demoCatalog } from "../shared/catalog/demo";
import { hashVisitorId } from "../shared/privacy";
import { app } from "./app";
import { event } from "./feature-store/contract";
import { isolateProfileCache, PROFILE_STALE_IF_ERROR_MS } from "./services";
import { call, consentAll, json, minutesAgo, seedDemo, waitFor } from "./test/helpers";

interface RankBody {
  request_id: string;
  personalized: boolean;
  profile_status: string;
  segment: { id: string; name: string; persona: string; confidence: number; intent: string; cold_start: boolean; decided_by: { feature: string }[] } | null;
  items: { content_id: string; score: number; propensity: number; reason: string; metadata: { category: string; title: string; price: number } }[];
  policy_version: string;
  cache_ttl: number;
  experiment: unknown;
}

const catalog = new Map(demoCatalog().map((i) => [i.id, i]));
const rank = async (body: unknown) => {
  const res = await call("/v1/rank", { body });
  expect(res.status, await res.clone().text()).toBe(200);
  return json<RankBody>(res);
};
const postEvents = async (body: unknown) => {
  const res = await call("/v1/events", { body });
  expect(res.status, await res.clone().text()).toBe(202);
  return json<{ accepted: number }>(res);
};

beforeAll(seedDemo);

describe("seed journeys", () => {
  it("classifies a social-ad visitor browsing beginner pages as novice_shopper and leads with beginner bundles", async () => {
    const utm = { source: "instagram", medium: "social", campaign: "spring" };
    expect(
      await postEvents({
        anon_id: "anon_journey_social", session_id: "sess_social", consent: consentAll, device: "mobile",
        events: [
          { type: "page_view", ts: minutesAgo(60), url: "/guides/getting-started", page_type: "guide", category: "guide", referrer: "https://l.instagram.com/", utm },
          { type: "page_view", ts: minutesAgo(59), url: "/products/vector-starter-bundle", page_type: "product", product_id: "p122" },
          { type: "search", ts: minutesAgo(58), query: "beginner photo editing", page_type: "search" },
          { type: "page_view", ts: minutesAgo(57), url: "/guides/photo-editing-basics", page_type: "guide", category: "guide" },
        ],
      }),
    ).toEqual({ accepted: 4 });

    const r = await rank({ surface_id: "homepage.carousel", user_ctx: { anon_id: "anon_journey_social", device: "mobile", utm, consent: consentAll } });
    expect(r.personalized).toBe(true);
    expect(r.profile_status).toBe("ok");
    expect(r.segment).toMatchObject({ id: "seg_learn_mobile_new", name: "Learning-focused Mobile Users (New)", persona: "novice_shopper", intent: "learn", cold_start: false });
    expect(r.segment!.confidence).toBeGreaterThan(0.85);
    expect(r.items).toHaveLength(8);
    // Beginner bundles first: the top two are starter bundles aimed at novices, and beginner bundles make up
    // half the carousel (the rest: a trending Black Friday bundle and beginner kits and courses).
    for (const it of r.items.slice(0, 2)) {
      const item = catalog.get(it.content_id)!;
      expect(item.category, item.title).toBe("bundle");
      expect(item.tags, item.title).toContain("starter");
      expect(item.skill_level).toBe("beginner");
    }
    const beginnerBundles = r.items.filter((it) => catalog.get(it.content_id)!.category === "bundle" && catalog.get(it.content_id)!.skill_level === "beginner");
    expect(beginnerBundles.length).toBeGreaterThanOrEqual(4);
    // Nothing in the carousel is pro-level.
    for (const it of r.items) expect(catalog.get(it.content_id)!.skill_level).not.toBe("pro");
    // Each answer explains itself.
    expect(r.items[0]!.reason).toMatch(/^novice_shopper\+mobile\+intent:learn · fits novice_shopper \(tag:starter/);
    expect(r.policy_version).toBe("2026-11-21");
    expect(r.items[0]!.propensity).toBe(1);
  });

  it("classifies an email visitor viewing high-end items as shopper_pro and serves the high-end grid", async () => {
    const utm = { source: "newsletter", medium: "email", campaign: "pro_launch" };
    await postEvents({
      anon_id: "anon_journey_email", session_id: "sess_email", consent: consentAll, device: "desktop",
      events: [
        { type: "page_view", ts: minutesAgo(60), url: "/collections/pro-gear", page_type: "collection", category: "pro_gear", referrer: "https://mail.google.com/", utm },
        { type: "page_view", ts: minutesAgo(59), url: "/products/p151", page_type: "product", product_id: "p151" },
        { type: "page_view", ts: minutesAgo(58), url: "/products/p144", page_type: "product", product_id: "p144" },
        { type: "page_view", ts: minutesAgo(57), url: "/products/p158", page_type: "product", product_id: "p158" },
      ],
    });
    const r = await rank({ surface_id: "homepage.carousel", user_ctx: { anon_id: "anon_journey_email", device: "desktop", consent: consentAll, geo: { country: "US" } } });
    expect(r.segment).toMatchObject({ persona: "shopper_pro", cold_start: false });
    expect(r.segment!.decided_by.map((d) => d.feature)).toEqual(expect.arrayContaining(["item_tag:high_end", "price_band:high"]));
    const highEnd = r.items.filter((it) => {
      const item = catalog.get(it.content_id)!;
      return item.category === "pro_gear" && item.tags.includes("high_end");
    });
    expect(r.items[0]!.content_id).toBe(highEnd[0]!.content_id);
    expect(highEnd.length).toBeGreaterThanOrEqual(5);
    for (const it of r.items) expect(catalog.get(it.content_id)!.skill_level).not.toBe("beginner");
    expect(r.items[0]!.reason).toMatch(/^shopper_pro\+desktop\+intent:\w+ · fits shopper_pro \(tag:high_end/);
  });

  it("classifies a first-time social visitor by the cold-start rule", async () => {
    const r = await rank({ surface_id: "homepage.hero", user_ctx: { anon_id: "anon_brand_new", utm: { medium: "paid-social" }, consent: consentAll, device: "mobile" } });
    expect(r.profile_status).toBe("new_visitor");
    expect(r.segment).toMatchObject({ persona: "novice_shopper", cold_start: true, confidence: 0.6 });
    expect(r.segment!.decided_by).toEqual([{ feature: "utm_medium:social", contribution: 1 }]);
    expect(r.items[0]!.reason).toContain("+cold_start");
    expect(r.items).toHaveLength(3);
  });
});

describe("consent", () => {
  it("answers without personalization consent with a non-personalized ranking and stores nothing", async () => {
    const r = await rank({ surface_id: "homepage.carousel", user_ctx: { anon_id: "anon_no_consent", consent: ["analytics"] } });
    expect(r).toMatchObject({ personalized: false, segment: null, profile_status: "not_used" });
    expect(r.items[0]!.reason).toMatch(/^popular · /);
    // Non-personalized ranking is the same for everyone.
    const other = await rank({ surface_id: "homepage.carousel", user_ctx: { anon_id: "anon_other", consent: [] } });
    expect(other.items.map((i) => i.content_id)).toEqual(r.items.map((i) => i.content_id));
    const stub = env.VISITOR_PROFILES.get(env.VISITOR_PROFILES.idFromName("anon_no_consent"));
    expect(await stub.getProfile()).toBeNull();
  });

  it("refuses events without analytics consent and stores nothing", async () => {
    const res = await call("/v1/events", { body: { anon_id: "anon_no_analytics", consent: ["personalization"], events: [{ type: "page_view", ts: minutesAgo(60) }] } });
    expect(res.status).toBe(403);
    expect((await json<{ error: { code: string } }>(res)).error.code).toBe("consent_required");
    const stub = env.VISITOR_PROFILES.get(env.VISITOR_PROFILES.idFromName("anon_no_analytics"));
    expect(await stub.getProfile()).toBeNull();
  });

  it("logs analytics-only events without building a profile", async () => {
    await postEvents({ anon_id: "anon_analytics_only", consent: ["analytics"], events: [{ type: "page_view", ts: minutesAgo(60), category: "photo" }] });
    const stub = env.VISITOR_PROFILES.get(env.VISITOR_PROFILES.idFromName("anon_analytics_only"));
    expect(await stub.getProfile()).toBeNull();
  });

  it("hides items whose policy flag needs a consent the visitor did not give", async () => {
    const ids = ["p001", "p061", "p002"];
    const without = await rank({ surface_id: "homepage.carousel", candidates: ids, user_ctx: { anon_id: "anon_flags", consent: [] } });
    expect(without.items.map((i) => i.content_id)).toEqual(["p002"]);
    const withMarketing = await rank({ surface_id: "homepage.carousel", candidates: ids, user_ctx: { anon_id: "anon_flags", consent: ["marketing"] } });
    expect(withMarketing.items.map((i) => i.content_id).sort()).toEqual(ids.sort());
  });
});

describe("surfaces and eligibility", () => {
  it("serves related products without the anchor, and upsells that are not already in the cart", async () => {
    const related = await rank({ surface_id: "product.related", context: { product_id: "p151" }, user_ctx: { anon_id: "anon_related", consent: [] } });
    expect(related.items.map((i) => i.content_id)).not.toContain("p151");
    const anchor = catalog.get("p151")!;
    expect(catalog.get(related.items[0]!.content_id)!.category).toBe(anchor.category);
    expect(related.items[0]!.reason).toContain("related to p151");

    const upsell = await rank({ surface_id: "checkout.upsell", context: { cart: ["p122", "p118"] }, user_ctx: { anon_id: "anon_upsell", consent: [] } });
    expect(upsell.items).toHaveLength(4);
    for (const it of upsell.items) expect(["p122", "p118"]).not.toContain(it.content_id);
  });

  it("never serves sold-out items or items restricted to other countries", async () => {
    const soldOut = [...catalog.values()].filter((i) => i.inventory === 0).map((i) => i.id);
    const usOnly = [...catalog.values()].filter((i) => i.jurisdictions.length > 0 && !i.jurisdictions.includes("GB")).map((i) => i.id);
    expect(soldOut.length).toBeGreaterThan(0);
    const r = await rank({ surface_id: "homepage.carousel", limit: 100, user_ctx: { anon_id: "anon_gb", consent: [], geo: { country: "gb" } } });
    expect(r.items).toHaveLength(100);
    for (const it of r.items) {
      expect(soldOut).not.toContain(it.content_id);
      expect(usOnly).not.toContain(it.content_id);
    }
  });

  it("ranks only the given candidates, honours limit, and serves content on content surfaces", async () => {
    const r = await rank({ surface_id: "homepage.hero", candidates: ["p122", "c101", "p151", "nope"], limit: 2, user_ctx: { anon_id: "anon_c", consent: [] } });
    expect(r.items).toHaveLength(2);
    for (const it of r.items) expect(["p122", "c101", "p151"]).toContain(it.content_id);
    const guides = await rank({ surface_id: "content.guides", user_ctx: { anon_id: "anon_c", consent: [] } });
    for (const it of guides.items) expect(catalog.get(it.content_id)!.kind).toBe("content");
  });
});

describe("profiles through the queue", () => {
  it("writes events through the queue to D1 under a hashed visitor id, once per event", async () => {
    const body = {
      anon_id: "anon_queue_1", session_id: "sess_q", consent: consentAll,
      events: [
        { type: "page_view", ts: minutesAgo(30), url: "/collections/vector", page_type: "collection", category: "vector" },
        { type: "add_to_cart", ts: minutesAgo(29), product_id: "p122" },
      ],
    };
    await postEvents(body);
    await postEvents(body); // a retry by the SDK: counted once
    const rows = await waitFor(async () => {
      const r = await env.DB.prepare("SELECT visitor_hash, type FROM events WHERE session_id = 'sess_q'").all<{ visitor_hash: string; type: string }>();
      return r.results.length >= 2 ? r.results : null;
    });
    // Let a second delivery land if it was going to.
    await new Promise((r) => setTimeout(r, 1500));
    const again = await env.DB.prepare("SELECT count(*) AS n FROM events WHERE session_id = 'sess_q'").first<{ n: number }>();
    expect(again!.n).toBe(2);
    expect(rows[0]!.visitor_hash).toMatch(/^vh_[0-9a-f]{32}$/);
    expect(JSON.stringify(rows)).not.toContain("anon_queue_1");
    const seg = await waitFor(() => env.DB.prepare("SELECT segment_id, persona FROM segment_assignments WHERE visitor_hash = ?").bind(rows[0]!.visitor_hash).first<{ segment_id: string; persona: string }>());
    expect(seg.segment_id).toMatch(/^seg_/);
    const profile = await env.VISITOR_PROFILES.get(env.VISITOR_PROFILES.idFromName("anon_queue_1")).getProfile();
    expect(profile!.event_count).toBe(2);
    expect(profile!.cart).toEqual(["p122"]);
  });

  it("does not fold again, in the consumer, events the request path folded in this isolate", async () => {
    const cache = isolateProfileCache(env);
    const before = cache.knownApplied;
    await postEvents({ anon_id: "anon_queue_once", consent: consentAll, events: [{ type: "page_view", ts: minutesAgo(5), url: "/collections/photo", page_type: "collection", category: "photo" }] });
    // The consumer's segment assignment is made from the profile this isolate holds, which includes the event.
    const hash = await hashVisitorId(env.VISITOR_ID_SALT, "anon_queue_once");
    const seg = await waitFor(() => env.DB.prepare("SELECT segment_id FROM segment_assignments WHERE visitor_hash = ?").bind(hash).first<{ segment_id: string }>());
    expect(seg.segment_id).toMatch(/^seg_/);
    expect(cache.knownApplied).toBeGreaterThan(before);
    const profile = await env.VISITOR_PROFILES.get(env.VISITOR_PROFILES.idFromName("anon_queue_once")).getProfile();
    expect(profile!.event_count).toBe(1);
  });

  it("shows the segment through GET /v1/segments/:user_id", async () => {
    await postEvents({ anon_id: "anon_seg_1", consent: consentAll, device: "tablet", events: [{ type: "quiz_answer", ts: minutesAgo(30), quiz: { question: "skill", answer: "pro" } }] });
    const res = await call("/v1/segments/anon_seg_1", { admin: true });
    expect(res.status).toBe(200);
    const body = await json<{ user_id: string; segments: { id: string; persona: string; assigned_at: string; features: { device_class: string } }[] }>(res);
    expect(body.user_id).toBe("anon_seg_1");
    expect(body.segments[0]).toMatchObject({ persona: "shopper_pro", features: { device_class: "tablet" } });
    expect(body.segments[0]!.id).toMatch(/^seg_\w+_tablet_new$/);
    expect(Date.parse(body.segments[0]!.assigned_at)).not.toBeNaN();
  });
});

describe("the hot path", () => {
  it("makes no D1 query and no bandit Durable Object call per /v1/rank once the snapshots are warm", async () => {
    const calls = { d1: 0, bandit: 0 };
    const counting = <T extends object>(target: T, key: keyof typeof calls): T =>
      new Proxy(target, {
        get(t, prop, receiver) {
          const value = Reflect.get(t, prop, receiver);
          if (typeof value !== "function") return value;
          return (...args: unknown[]) => {
            calls[key]++;
            return (value as (...a: unknown[]) => unknown).apply(t, args);
          };
        },
      });
    // Background refreshes (every 30 s in production) are allowed; per-request storage calls are not.
    const quiet = { ...env, SNAPSHOT_TTL_SECONDS: "3600", BANDIT_SNAPSHOT_TTL_SECONDS: "3600", OPT_OUT_REFRESH_SECONDS: "3600" };
    const watched = { ...quiet, DB: counting(env.DB, "d1"), BANDIT_SHARDS: counting(env.BANDIT_SHARDS, "bandit") };
    const req = () =>
      new Request("http://aura.test/v1/rank", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ surface_id: "homepage.carousel", user_ctx: { anon_id: "anon_hot", consent: consentAll } }),
      });
    const created = await call("/v1/experiments", {
      admin: true,
      body: { id: "exp_hot_path", surface_id: "homepage.carousel", allocation: "bandit", variants: [{ id: "a" }, { id: "b" }] },
    });
    expect(created.status).toBe(201);
    try {
      for (const [round, e] of [[0, quiet], ...Array.from({ length: 20 }, (_, i) => [i + 1, watched] as const)] as const) {
        const ctx = createExecutionContext();
        const res = await app.fetch(req(), e, ctx);
        await waitOnExecutionContext(ctx);
        expect(res.status, `request ${round}`).toBe(200);
        expect((await json<{ experiment: { id: string } | null }>(res)).experiment?.id).toBe("exp_hot_path");
      }
      expect(calls).toEqual({ d1: 0, bandit: 0 });
    } finally {
      await call("/v1/experiments/exp_hot_path", { method: "PATCH", admin: true, body: { status: "stopped" } });
    }
  });

  it("degrades to cold-start ranking when the feature store fails or is slow", async () => {
    const broken = {
      idFromName: (name: string) => env.VISITOR_PROFILES.idFromName(name),
      get: () => ({ getProfileJson: () => Promise.reject(new Error("store down")) }),
    } as unknown as Env["VISITOR_PROFILES"];
    const slow = {
      idFromName: (name: string) => env.VISITOR_PROFILES.idFromName(name),
      get: () => ({ getProfileJson: () => new Promise((resolve) => setTimeout(() => resolve(null), 500)) }),
    } as unknown as Env["VISITOR_PROFILES"];
    for (const store of [broken, slow]) {
      const ctx = createExecutionContext();
      const res = await app.fetch(
        new Request("http://aura.test/v1/rank", {
          method: "POST",
          headers: { "content-type": "application/json" },
          // An id this isolate has never cached, so the (broken) store is really asked.
          body: JSON.stringify({ surface_id: "homepage.carousel", user_ctx: { anon_id: `anon_store_down_${crypto.randomUUID()}`, utm: { medium: "email" }, consent: consentAll } }),
        }),
        // The deployed read budget: the slow store's 500 ms must run past it.
        { ...env, VISITOR_PROFILES: store, FEATURE_STORE_TIMEOUT_MS: "25" },
        ctx,
      );
      await waitOnExecutionContext(ctx);
      expect(res.status).toBe(200);
      const body = await json<RankBody>(res);
      expect(body.profile_status).toBe("unavailable");
      expect(body.segment).toMatchObject({ persona: "shopper_pro", cold_start: true });
      expect(body.items).toHaveLength(8);
    }
  });

  it("keeps a returning visitor's personalization from the copy it read last when the store fails, for a few minutes", async () => {
    const broken = {
      idFromName: (name: string) => env.VISITOR_PROFILES.idFromName(name),
      get: () => ({ getProfileJsonIfChanged: () => Promise.reject(new Error("store down")), getProfileJson: () => Promise.reject(new Error("store down")) }),
    } as unknown as Env["VISITOR_PROFILES"];
    const cache = isolateProfileCache(env);
    const neverSeen = () => rank({ surface_id: "homepage.carousel", user_ctx: { anon_id: `anon_never_seen_${crypto.randomUUID()}`, consent: consentAll } });
    const rankWithBrokenStore = async (anonId: string) => {
      const ctx = createExecutionContext();
      const res = await app.fetch(
        new Request("http://aura.test/v1/rank", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ surface_id: "homepage.carousel", user_ctx: { anon_id: anonId, consent: consentAll } }),
        }),
        { ...env, VISITOR_PROFILES: broken, FEATURE_STORE_TIMEOUT_MS: "25" },
        ctx,
      );
      await waitOnExecutionContext(ctx);
      expect(res.status).toBe(200);
      return json<RankBody>(res);
    };
    // Past the stale-while-revalidate window (see the next test), so the request itself asks the store.
    const window = Number(env.PROFILE_STALE_WHILE_REVALIDATE_MS ?? "0");
    for (const [anonId, expiredMsAgo, status] of [
      ["anon_stale_recent", window + 1_000, "stale"],
      ["anon_stale_old", PROFILE_STALE_IF_ERROR_MS + 1_000, "unavailable"],
    ] as const) {
      await postEvents({ anon_id: anonId, consent: consentAll, events: [{ type: "quiz_answer", ts: minutesAgo(3), quiz: { question: "skill", answer: "pro" } }] });
      const fresh = await rank({ surface_id: "homepage.carousel", user_ctx: { anon_id: anonId, consent: consentAll } });
      expect(fresh.profile_status).toBe("ok");
      const held = cache.held(anonId)!;
      expect(held.event_count).toBe(1);
      // The copy expired that long ago (set with a TTL that ended then).
      cache.set(anonId, held, Date.now() - Number(env.PROFILE_CACHE_TTL_MS ?? "2000") - expiredMsAgo);
      const body = await rankWithBrokenStore(anonId);
      expect(body.profile_status, anonId).toBe(status);
      // Stale: decided from the same profile as the fresh answer. Too old: decided as for a visitor never seen.
      const coldStart = await neverSeen();
      // The two answers differ, or the test could not tell one from the other.
      expect(fresh.segment).not.toEqual(coldStart.segment);
      const expected = status === "stale" ? fresh : coldStart;
      expect(body.segment, anonId).toEqual(expected.segment);
      expect(body.items.map((i) => i.content_id), anonId).toEqual(expected.items.map((i) => i.content_id));
    }
  });

  it("answers a returning visitor from a copy just past its TTL, and revalidates it after the answer", async () => {
    const cache = isolateProfileCache(env);
    const ttl = Number(env.PROFILE_CACHE_TTL_MS ?? "2000");
    expect(Number(env.PROFILE_STALE_WHILE_REVALIDATE_MS)).toBeGreaterThan(1_000);
    const anonId = `anon_swr_${crypto.randomUUID().slice(0, 8)}`;
    const carousel = { surface_id: "homepage.carousel", user_ctx: { anon_id: anonId, consent: consentAll } };
    await postEvents({ anon_id: anonId, consent: consentAll, events: [{ type: "quiz_answer", ts: minutesAgo(3), quiz: { question: "skill", answer: "pro" } }] });
    const fresh = await rank(carousel);
    expect(fresh.profile_status).toBe("ok");
    const held = cache.held(anonId)!;
    const expireSecondAgo = () => cache.set(anonId, held, Date.now() - ttl - 1_000);

    // A store that answers after 500 ms, past the 25 ms read budget: a request that waited for it would be
    // answered as "stale" (the previous test); this one does not wait, and is decided from the copy.
    const slow = {
      idFromName: (name: string) => env.VISITOR_PROFILES.idFromName(name),
      get: () => ({ getProfileJsonIfChanged: () => new Promise((resolve) => setTimeout(() => resolve({ unchanged: true }), 500)) }),
    } as unknown as Env["VISITOR_PROFILES"];
    /** A rank against the slow store, with the warnings it logs (the background read's included). */
    const rankSlow = async () => {
      const warnings: Record<string, unknown>[] = [];
      const warn = console.warn;
      console.warn = (line: string) => void warnings.push(JSON.parse(line) as Record<string, unknown>);
      try {
        return { body: await json<RankBody>(await call("/v1/rank", { body: carousel, env: { ...env, VISITOR_PROFILES: slow, FEATURE_STORE_TIMEOUT_MS: "25" } })), warnings };
      } finally {
        console.warn = warn;
      }
    };
    expireSecondAgo();
    const served = cache.servedWhileRevalidating;
    const first = await rankSlow();
    expect(first.body.profile_status).toBe("ok");
    expect(first.body.segment).toEqual(fresh.segment);
    expect(first.body.items.map((i) => i.content_id)).toEqual(fresh.items.map((i) => i.content_id));
    expect(cache.servedWhileRevalidating).toBe(served + 1);
    // Its background read ran past the budget after the answer: logged, and the copy stays. But it is no longer
    // served as current: the next request asks the store itself, and with the store still slow it is answered
    // from the same copy marked "stale", as without the window.
    expect(first.warnings).toContainEqual(expect.objectContaining({ background_revalidation: true }));
    expect(cache.held(anonId)).toBe(held);
    const next = await rankSlow();
    expect(next.body.profile_status).toBe("stale");
    expect(next.body.segment).toEqual(fresh.segment);
    expect(cache.servedWhileRevalidating).toBe(served + 1);

    // Another isolate writes: the visitor's Durable Object changes behind this isolate's copy. The next request is
    // still answered from the copy, and the read after the answer brings the store's profile in.
    await env.VISITOR_PROFILES.get(env.VISITOR_PROFILES.idFromName(anonId)).applyEventsJson(anonId, null, null, [event({ type: "page_view", ts: Date.now(), product_id: "p1" })]);
    expireSecondAgo();
    expect((await rank(carousel)).profile_status).toBe("ok");
    expect(cache.held(anonId)!.event_count).toBe(2);
    expect(cache.servedWhileRevalidating).toBe(served + 2);
  });

  it("gives every decision an unguessable request id", async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) ids.add((await rank({ surface_id: "homepage.hero", user_ctx: { anon_id: "anon_ids", consent: [] } })).request_id);
    expect(ids.size).toBe(5);
    for (const id of ids) expect(id).toMatch(/^req_[0-9a-f]{32}$/);
  });
});
