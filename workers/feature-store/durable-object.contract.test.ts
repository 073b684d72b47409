// The feature-store contract against the default store: one VisitorProfileStore Durable Object per visitor,
// reached through the VISITOR_PROFILES binding exactly as the Worker reaches it.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { hashVisitorId } from "../../shared/privacy";
import { profileVersion, type ProfileView } from "../../shared/profile/profile";
import { event, featureStoreContract } from "./contract";
import { DurableObjectFeatureStore, PARSED_PROFILE_HOLD_MS } from "./durable-object";

featureStoreContract("Durable Object", () => new DurableObjectFeatureStore(env.VISITOR_PROFILES), () => `anon_do_${crypto.randomUUID()}`);

describe("the Durable Object store's revalidation", () => {
  it("answers unchanged for the current copy, the new profile after a write, and null after erasure", async () => {
    const store = new DurableObjectFeatureStore(env.VISITOR_PROFILES);
    const anon = `anon_do_${crypto.randomUUID()}`;
    const t = Date.now() - 60_000;
    await store.applyEvents(anon, "s1", "mobile", [event({ type: "page_view", ts: t, category: "photo" })]);
    const copy = (await store.getProfile(anon))!;
    expect(await store.revalidate(anon, profileVersion(copy))).toBe("unchanged");
    // A version the object never had (a copy from before a write) gets the whole current profile.
    await store.applyEvents(anon, "s1", "mobile", [event({ type: "click", ts: t + 1000, category: "photo" })]);
    const fresh = await store.revalidate(anon, profileVersion(copy));
    expect(fresh).not.toBe("unchanged");
    expect(fresh).toEqual(await store.getProfile(anon));
    expect((fresh as ProfileView).event_count).toBe(2);
    expect(await store.revalidate(anon, profileVersion(fresh as ProfileView))).toBe("unchanged");
    await store.erase(anon);
    expect(await store.revalidate(anon, profileVersion(fresh as ProfileView))).toBeNull();
  });
});

/** Every object reachable from `root` (own enumerable values, arrays included), `root` first. */
function reachable(root: unknown, seen = new Set<object>()): object[] {
  if (typeof root !== "object" || root === null || seen.has(root)) return [];
  seen.add(root);
  for (const v of Object.values(root)) reachable(v, seen);
  return [...seen];
}

describe("what a resident profile object keeps in memory", () => {
  it("holds the parsed profile while writes are recent, and drops it at the first read after that", async () => {
    // A resident object's parsed profile (interests, their numbers, recent events, applied ids: ~180 heap
    // objects) is marked by every major GC of the isolate it shares; reads need only the text and version.
    const store = new DurableObjectFeatureStore(env.VISITOR_PROFILES);
    const anon = `anon_do_${crypto.randomUUID()}`;
    const t = Date.now() - 60_000;
    const written = await store.applyEvents(anon, "s1", "mobile", [event({ type: "page_view", ts: t, category: "photo" }), event({ type: "click", ts: t + 1, product_id: "prod_1", category: "photo" })]);
    expect(Object.keys(written.interests).length).toBeGreaterThan(0);
    const stub = env.VISITOR_PROFILES.get(env.VISITOR_PROFILES.idFromName(anon));
    const parsedProfiles = () =>
      runInDurableObject(stub, (instance) => reachable(Object.fromEntries(Object.entries(instance).filter(([k]) => k !== "ctx" && k !== "env"))).filter((o) => "interests" in o || "applied_ids" in o));
    expect(await parsedProfiles(), "right after the write").toHaveLength(1);
    expect(await stub.getProfileJson(anon)).toBe(JSON.stringify(written));
    expect(await parsedProfiles(), "a read inside the hold").toHaveLength(1);
    await runInDurableObject(stub, (instance) => {
      (instance as unknown as { lastWriteAt: number }).lastWriteAt = Date.now() - PARSED_PROFILE_HOLD_MS - 1;
    });
    expect(await stub.getProfileJson(anon)).toBe(JSON.stringify(written));
    expect(await parsedProfiles(), "after a read past the hold").toEqual([]);
    // The next write reads the profile back from storage and folds into it.
    const next = await store.applyEvents(anon, "s1", "mobile", [event({ type: "click", ts: t + 2, product_id: "prod_2", category: "photo" })]);
    expect(next.event_count).toBe(3);
    expect(next.recent.map((e) => e.product_id)).toEqual([...written.recent.map((e) => e.product_id), "prod_2"]);
  });

  it("renders again from storage when the customer segment arrives, and the old version is no longer current", async () => {
    const store = new DurableObjectFeatureStore(env.VISITOR_PROFILES);
    const anon = `anon_do_${crypto.randomUUID()}`;
    const t = Date.now() - 60_000;
    const before = await store.applyEvents(anon, "s1", "desktop", [event({ type: "page_view", ts: t, category: "vector" })]);
    expect(before.customer_segment).toBeNull();
    await env.DB.prepare("INSERT INTO customer_segments (visitor_hash, segment_id, rfm_segment, model_version, assigned_at) VALUES (?, 'cust_do', 'loyal', 'mv_do', ?)")
      .bind(await hashVisitorId(env.VISITOR_ID_SALT, anon), new Date().toISOString())
      .run();
    const stub = env.VISITOR_PROFILES.get(env.VISITOR_PROFILES.idFromName(anon));
    // The object looked once when it first answered (and found nothing); ask it to look again now.
    await stub.refreshCustomer(anon);
    const fresh = await store.revalidate(anon, profileVersion(before));
    expect(fresh).not.toBe("unchanged");
    expect(fresh).toEqual({ ...before, customer_segment: { cluster: "cust_do", lifecycle: "loyal", model_version: "mv_do" } });
    expect(await store.revalidate(anon, profileVersion(fresh as ProfileView))).toBe("unchanged");
    // A redelivered event changes nothing and answers the same rendering.
    const again = await stub.applyEventsJson(anon, "s1", "desktop", [{ ...event({ type: "page_view", ts: t, category: "vector" }), id: "ev_do_redelivered" }]);
    expect(await stub.applyEventsJson(anon, "s1", "desktop", [{ ...event({ type: "page_view", ts: t, category: "vector" }), id: "ev_do_redelivered" }])).toBe(again);
    expect((JSON.parse(again) as ProfileView).event_count).toBe(2);
  });
});
