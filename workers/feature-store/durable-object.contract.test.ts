// The feature-store contract against the default store: one VisitorProfileStore Durable Object per visitor,
// reached through the VISITOR_PROFILES binding exactly as the Worker reaches it.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { profileVersion, type ProfileView } from "../../shared/profile/profile";
import { event, featureStoreContract } from "./contract";
import { DurableObjectFeatureStore } from "./durable-object";

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
