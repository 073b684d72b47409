import { describe, expect, it } from "vitest";
import type { FeatureStore } from "../../shared/profile/feature-store";
import { emptyProfile, profileView, type ProfileView } from "../../shared/profile/profile";
import { CachedFeatureStore, ProfileCache } from "./profile-cache";

const view = (id: string): ProfileView => profileView(emptyProfile(id, 0));

describe("ProfileCache", () => {
  it("serves entries until they expire, remembering known-empty visitors too", () => {
    const cache = new ProfileCache(10, 1000);
    cache.set("a", view("a"), 0);
    cache.set("new", null, 0);
    expect(cache.get("a", 999)?.anon_id).toBe("a");
    expect(cache.get("new", 999)).toBeNull();
    expect(cache.get("a", 1000)).toBeUndefined();
    expect(cache.get("zzz", 0)).toBeUndefined();
  });

  it("evicts the oldest write beyond its bound", () => {
    const cache = new ProfileCache(2, 1000);
    cache.set("a", view("a"), 0);
    cache.set("b", view("b"), 0);
    cache.set("a", view("a"), 1); // rewritten: now newest
    cache.set("c", view("c"), 2);
    expect(cache.get("b", 3)).toBeUndefined();
    expect(cache.get("a", 3)).not.toBeUndefined();
    expect(cache.get("c", 3)).not.toBeUndefined();
  });

  it("is a pass-through with a zero TTL", () => {
    const cache = new ProfileCache(10, 0);
    cache.set("a", view("a"), 0);
    expect(cache.get("a", 0)).toBeUndefined();
  });
});

describe("CachedFeatureStore", () => {
  it("reads through once, and keeps writes and erasures from this isolate current", async () => {
    let reads = 0;
    const stored = new Map<string, ProfileView>();
    const inner: FeatureStore = {
      name: "fake",
      getProfile: async (id) => (reads++, stored.get(id) ?? null),
      applyEvents: async (id) => {
        const p = { ...view(id), event_count: (stored.get(id)?.event_count ?? 0) + 1 };
        stored.set(id, p);
        return p;
      },
      erase: async (id) => stored.delete(id),
    };
    const store = new CachedFeatureStore(inner, new ProfileCache(10, 60_000));
    expect(await store.getProfile("v")).toBeNull();
    expect(await store.getProfile("v")).toBeNull();
    expect(reads).toBe(1);
    await store.applyEvents("v", null, null, []);
    expect((await store.getProfile("v"))!.event_count).toBe(1);
    expect(reads).toBe(1);
    await store.erase("v");
    expect(await store.getProfile("v")).toBeNull();
    expect(reads).toBe(2);
  });
});
