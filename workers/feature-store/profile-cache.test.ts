import { describe, expect, it } from "vitest";
import type { FeatureStore } from "../../shared/profile/feature-store";
import { emptyProfile, profileVersion, profileView, type IncomingEvent, type ProfileView } from "../../shared/profile/profile";
import { APPLIED_MEMO, CachedFeatureStore, ProfileCache } from "./profile-cache";

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

  it("lends an expired copy for a failed read, up to staleIfErrorMs past its TTL", () => {
    const cache = new ProfileCache(10, 1000, 5000);
    cache.set("a", view("a"), 0);
    cache.set("new", null, 0);
    expect(cache.get("a", 3000)).toBeUndefined();
    expect(cache.staleCopy("a", 3000)?.anon_id).toBe("a");
    expect(cache.staleCopy("new", 6000)).toBeNull();
    expect(cache.staleCopy("a", 6001)).toBeUndefined();
    expect(cache.staleCopy("zzz", 0)).toBeUndefined();
    expect(cache.servedStale).toBe(2);
    // Without a stale window, nothing expired is lent.
    const strict = new ProfileCache(10, 1000);
    strict.set("a", view("a"), 0);
    expect(strict.staleCopy("a", 1001)).toBeUndefined();
  });

  it("holds a profile's interests in one null-prototype object, with the same keys and weights (issue 9: heap objects)", () => {
    const cache = new ProfileCache(10, 1000);
    const parsed = JSON.parse(JSON.stringify({ ...view("a"), interests: { "item:p1": { w: 1.5, at: 10 }, "category:photo": { w: 0.25, at: 20 } } })) as ProfileView;
    const expected = structuredClone(parsed.interests);
    cache.set("a", parsed, 0);
    const held = cache.get("a", 1)!;
    // A JSON.parse'd object has a hidden class per key set (a chain of V8 maps per visitor); a null-prototype one
    // is a dictionary. Its entries are the same, and nothing is inherited.
    expect(Object.getPrototypeOf(held.interests)).toBeNull();
    expect(Object.entries(held.interests)).toEqual(Object.entries(expected));
    expect(JSON.stringify(held.interests)).toBe(JSON.stringify(expected));
    expect("toString" in held.interests).toBe(false);
    // The same profile set again (revalidated unchanged) keeps the object it holds.
    const before = held.interests;
    cache.set("a", held, 2);
    expect(cache.get("a", 3)!.interests).toBe(before);
  });

  it("leaves a large set of interests as parsed (JSON.parse makes a dictionary of it already; copying one is slow)", () => {
    const cache = new ProfileCache(10, 1000);
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`item:p${i}`, { w: 1, at: i }]));
    const grown = JSON.parse(JSON.stringify({ ...view("g"), event_count: 101, interests: many })) as ProfileView;
    const parsed = grown.interests;
    cache.set("g", grown, 0);
    expect(cache.get("g", 1)!.interests).toBe(parsed);
    // Many events over few keys (repeat views) are counted, and re-homed.
    const repeat = JSON.parse(JSON.stringify({ ...view("r"), event_count: 400, interests: { "item:p1": { w: 9, at: 1 } } })) as ProfileView;
    cache.set("r", repeat, 0);
    expect(Object.getPrototypeOf(cache.get("r", 1)!.interests)).toBeNull();
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

describe("CachedFeatureStore revalidation", () => {
  /** A store that counts full reads and revalidations, with profiles it can change behind the cache's back. */
  function fakeStore() {
    const stored = new Map<string, ProfileView>();
    const calls = { reads: 0, revalidations: 0 };
    let beforeAnswer: (() => void) | null = null;
    const inner: FeatureStore = {
      name: "fake",
      getProfile: async (id) => (calls.reads++, stored.has(id) ? structuredClone(stored.get(id)!) : null),
      revalidate: async (id, version) => {
        calls.revalidations++;
        beforeAnswer?.();
        const p = stored.get(id);
        if (!p) return null;
        return profileVersion(p) === version ? "unchanged" : structuredClone(p);
      },
      applyEvents: async (id) => {
        const prev = stored.get(id) ?? view(id);
        const p = { ...prev, event_count: prev.event_count + 1, last_seen: prev.last_seen + 1 };
        stored.set(id, p);
        return structuredClone(p);
      },
      erase: async (id) => stored.delete(id),
    };
    return { stored, calls, inner, onRevalidate: (f: () => void) => (beforeAnswer = f) };
  }

  /** A store holding "v" (3 events), a cache with a 1 ms TTL that has read it once, and that copy expired. */
  async function expiredCopy() {
    const fake = fakeStore();
    fake.stored.set("v", { ...view("v"), event_count: 3 });
    const cache = new ProfileCache(10, 1);
    const store = new CachedFeatureStore(fake.inner, cache);
    const first = await store.load("v");
    await new Promise((resolve) => setTimeout(resolve, 5));
    return { ...fake, cache, store, first };
  }

  it("keeps an expired profile the store confirms unchanged: the same object, without a full read", async () => {
    const { calls, cache, store, first } = await expiredCopy();
    expect(store.peek("v")).toBeUndefined();
    const again = await store.load("v");
    expect(again).toBe(first);
    expect(calls).toEqual({ reads: 1, revalidations: 1 });
    expect(cache.revalidated).toBe(1);
  });

  it("takes the store's newer profile, or its erasure, when the copy is out of date", async () => {
    const { stored, calls, cache, store, first } = await expiredCopy();
    stored.set("v", { ...view("v"), event_count: 4, last_seen: 9 });
    const changed = await store.load("v");
    expect(changed).not.toBe(first);
    expect(changed!.event_count).toBe(4);
    stored.delete("v");
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await store.load("v")).toBeNull();
    expect(calls).toEqual({ reads: 1, revalidations: 2 });
    expect(cache.revalidated).toBe(0);
  });

  it("keeps a write this isolate made while it asked, and does not cache again a profile erased meanwhile", async () => {
    const { stored, onRevalidate, cache, store, first } = await expiredCopy();
    // The store answers "unchanged" for the copy, but a write from this isolate lands before the answer does.
    let newer: ProfileView | null = null;
    onRevalidate(() => {
      cache.set("v", (newer = { ...first!, event_count: 99 }), Date.now());
    });
    expect(await store.load("v")).toBe(newer);
    expect(cache.held("v")).toBe(newer);
    // Erased while the revalidation was in flight: this request is answered, the cache keeps nothing.
    for (const [name, current] of [["unchanged", stored.get("v")!], ["changed", { ...view("v"), event_count: 100, last_seen: 5 }]] as const) {
      cache.set("v", structuredClone(stored.get("v")!), 0);
      stored.set("v", current);
      onRevalidate(() => cache.delete("v"));
      expect((await store.load("v"))?.event_count, name).toBe(current.event_count);
      expect(cache.held("v"), name).toBeUndefined();
    }
  });

  it("keeps the object it holds when a write changes nothing (a redelivery), and takes the new one when it does", async () => {
    const { stored, inner, cache, store, first } = await expiredCopy();
    // The store answers a redelivered batch with an equal copy of what it has.
    const redelivering = new CachedFeatureStore({ ...inner, applyEvents: async (id) => structuredClone(stored.get(id)!) }, cache);
    const again = await redelivering.applyEvents("v", null, null, []);
    expect(again).toBe(first);
    expect(cache.held("v")).toBe(first);
    const written = await store.applyEvents("v", null, null, []);
    expect(written).not.toBe(first);
    expect(written.event_count).toBe(4);
    expect(cache.held("v")).toBe(written);
  });

  it("reads a store without revalidation in full", async () => {
    const { stored, calls, inner } = fakeStore();
    const { revalidate: _none, ...plain } = inner;
    stored.set("v", view("v"));
    const store = new CachedFeatureStore(plain, new ProfileCache(10, 1));
    const first = await store.load("v");
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await store.load("v")).not.toBe(first);
    expect(calls).toEqual({ reads: 2, revalidations: 0 });
  });
});

describe("CachedFeatureStore: stale while revalidating", () => {
  /** A store holding "v", whose reads resolve only when the test says; counts reads and revalidations. */
  function slowStore() {
    const stored = new Map<string, ProfileView>([["v", { ...view("v"), event_count: 3 }]]);
    const calls = { reads: 0, revalidations: 0 };
    const pending: (() => void)[] = [];
    let failNext = false;
    const answer = <T>(f: () => T): Promise<T> =>
      new Promise((resolve, reject) =>
        pending.push(() => {
          if (failNext) {
            failNext = false;
            reject(new Error("store down"));
          } else resolve(f());
        }),
      );
    const inner: FeatureStore = {
      name: "slow",
      getProfile: (id) => (calls.reads++, answer(() => (stored.has(id) ? structuredClone(stored.get(id)!) : null))),
      revalidate: (id, version) => {
        calls.revalidations++;
        return answer(() => {
          const p = stored.get(id);
          if (!p) return null;
          return profileVersion(p) === version ? ("unchanged" as const) : structuredClone(p);
        });
      },
      applyEvents: async (id) => {
        const prev = stored.get(id) ?? view(id);
        stored.set(id, { ...prev, event_count: prev.event_count + 1, last_seen: prev.last_seen + 1 });
        return structuredClone(stored.get(id)!);
      },
      erase: async (id) => stored.delete(id),
    };
    const settle = async () => {
      while (pending.length) pending.shift()!();
      await new Promise((resolve) => setTimeout(resolve, 0));
    };
    return { stored, calls, inner, settle, failNext: () => (failNext = true) };
  }

  /** waitUntil as a request's ExecutionContext has it: collects the work left running after the answer. */
  function context() {
    const work: Promise<unknown>[] = [];
    return { work, ctx: { waitUntil: (p: Promise<unknown>) => void work.push(p) } };
  }

  /** The cache with a 10 ms TTL and a 1 s window, holding "v" as read from the store at `readAt`. */
  async function heldAt(readAt: number) {
    const fake = slowStore();
    const cache = new ProfileCache(10, 10, 0, 1000);
    const store = new CachedFeatureStore(fake.inner, cache);
    const loading = store.load("v");
    await fake.settle();
    const first = (await loading)!;
    cache.set("v", first, readAt);
    return { ...fake, cache, store, first };
  }

  it("answers an expired copy at once and revalidates it once in the background, however many requests come", async () => {
    const { calls, cache, store, first, stored, settle } = await heldAt(Date.now() - 20);
    const { work, ctx } = context();
    // Expired 10 ms ago, inside the window: three requests are answered from the copy without waiting.
    expect(store.peek("v", ctx)).toBe(first);
    expect(store.peek("v", ctx)).toBe(first);
    expect(store.peek("v", ctx)).toBe(first);
    expect(work).toHaveLength(1);
    expect(calls).toEqual({ reads: 1, revalidations: 1 });
    expect(cache.servedWhileRevalidating).toBe(3);
    // Another isolate wrote meanwhile: the background read brings it in, for the next request.
    stored.set("v", { ...first, event_count: 4, last_seen: first.last_seen + 1 });
    await settle();
    await Promise.all(work);
    const next = store.peek("v", ctx);
    expect(next?.event_count).toBe(4);
    expect(work).toHaveLength(1);
  });

  it("waits for the store past the window, and without a context (no waitUntil) as before", async () => {
    const old = await heldAt(Date.now() - 2000);
    const { work, ctx } = context();
    expect(old.store.peek("v", ctx)).toBeUndefined();
    expect(work).toHaveLength(0);
    const recent = await heldAt(Date.now() - 20);
    expect(recent.store.peek("v")).toBeUndefined();
    expect(recent.calls.revalidations).toBe(0);
    // Off (window 0): nothing expired is served.
    const off = new CachedFeatureStore(recent.inner, new ProfileCache(10, 10));
    expect(off.peek("v", ctx)).toBeUndefined();
  });

  it("logs a failed background read, after which requests read the store themselves until a read succeeds", async () => {
    const { calls, cache, store, first, settle, failNext } = await heldAt(Date.now() - 20);
    const { work, ctx } = context();
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (line: string) => void warnings.push(line);
    try {
      failNext();
      expect(store.peek("v", ctx)).toBe(first);
      await settle();
      await Promise.all(work);
      expect(warnings).toHaveLength(1);
      expect(JSON.parse(warnings[0]!)).toMatchObject({ level: "warn", feature_store: "store down", background_revalidation: true });
      // A copy the store could not confirm is not served as current: the request waits for the store (and, on a
      // failure, falls back to the stale-if-error copy, marked as such), and no background read is started.
      expect(store.peek("v", ctx)).toBeUndefined();
      expect(work).toHaveLength(1);
      expect(cache.held("v")).toBe(first);
      const loading = store.load("v");
      await settle();
      expect(await loading).toBe(first);
      expect(calls.revalidations).toBe(2);
      // Confirmed again: a copy past its TTL is served while revalidated as before.
      cache.set("v", first, Date.now() - 20);
      expect(store.peek("v", ctx)).toBe(first);
      expect(work).toHaveLength(2);
      await settle();
      await Promise.all(work);
    } finally {
      console.warn = warn;
    }
  });

  it("keeps a write this isolate made while the background read was out, and serves nothing erased here", async () => {
    const { cache, store, first, settle } = await heldAt(Date.now() - 20);
    const { work, ctx } = context();
    expect(store.peek("v", ctx)).toBe(first);
    const written = await store.applyEvents("v", null, null, [{ id: "e1" } as IncomingEvent]);
    expect(written).not.toBe(first);
    await settle();
    await Promise.all(work);
    expect(cache.held("v")).toBe(written);
    expect(store.peek("v", ctx)).toBe(written);
    await store.erase("v");
    expect(store.peek("v", ctx)).toBeUndefined();
  });
});

describe("CachedFeatureStore and events the store already applied", () => {
  const event = (id: string): IncomingEvent => ({ id, type: "page_view", ts: 1, page_type: null, category: null, product_id: null, query: null, quiz: null, entry: null });

  /** A store that folds events once per id (as the real ones do) and counts its writes. */
  function foldingStore() {
    const stored = new Map<string, { profile: ProfileView; ids: Set<string> }>();
    const calls = { writes: 0 };
    const inner: FeatureStore = {
      name: "fake",
      getProfile: async (id) => (stored.has(id) ? structuredClone(stored.get(id)!.profile) : null),
      applyEvents: async (id, _session, _device, events) => {
        calls.writes++;
        const s = stored.get(id) ?? { profile: view(id), ids: new Set<string>() };
        const fresh = events.filter((e) => !s.ids.has(e.id));
        for (const e of fresh) s.ids.add(e.id);
        s.profile = { ...s.profile, event_count: s.profile.event_count + fresh.length, last_seen: s.profile.last_seen + fresh.length };
        stored.set(id, s);
        return structuredClone(s.profile);
      },
      erase: async (id) => stored.delete(id),
    };
    return { stored, calls, inner };
  }

  it("answers a repeat of applied events (the consumer after the request path) from the profile it holds", async () => {
    const { calls, inner } = foldingStore();
    const cache = new ProfileCache(10, 60_000);
    const store = new CachedFeatureStore(inner, cache);
    const written = await store.applyEvents("v", null, null, [event("e1"), event("e2")]);
    expect(written.event_count).toBe(2);
    expect(await store.applyEvents("v", null, null, [event("e1"), event("e2")])).toBe(written);
    expect(await store.applyEvents("v", null, null, [event("e2")])).toBe(written);
    expect(calls.writes).toBe(1);
    expect(cache.knownApplied).toBe(2);
    // One event it has not seen applied: the store is asked, and folds only that one.
    const next = await store.applyEvents("v", null, null, [event("e2"), event("e3")]);
    expect(next.event_count).toBe(3);
    expect(calls.writes).toBe(2);
    // Nothing to go on: another visitor, or an empty batch.
    await store.applyEvents("w", null, null, [event("e1")]);
    await store.applyEvents("v", null, null, []);
    expect(calls.writes).toBe(4);
  });

  it("keeps what it knows across reads of the store, and forgets it on erasure", async () => {
    const { calls, inner } = foldingStore();
    const cache = new ProfileCache(10, 1);
    const store = new CachedFeatureStore(inner, cache);
    await store.applyEvents("v", null, null, [event("e1")]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const read = await store.load("v");
    // Expired and read again in full: the store's profile still includes e1.
    expect(await store.applyEvents("v", null, null, [event("e1")])).toBe(read);
    expect(calls.writes).toBe(1);
    await store.erase("v");
    const rewritten = await store.applyEvents("v", null, null, [event("e1")]);
    expect(calls.writes).toBe(2);
    expect(rewritten.event_count).toBe(1);
  });

  it("forgets what it knew when the store answers that the visitor has no profile (erased elsewhere)", async () => {
    const { stored, calls, inner } = foldingStore();
    const store = new CachedFeatureStore(inner, new ProfileCache(10, 1));
    await store.applyEvents("v", null, null, [event("e1")]);
    stored.delete("v");
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await store.load("v")).toBeNull();
    // A new profile since, read again: e1 is not in it, and a repeat of e1 goes to the store.
    await inner.applyEvents("v", null, null, [event("e2")]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await store.load("v"))!.event_count).toBe(1);
    expect((await store.applyEvents("v", null, null, [event("e1")])).event_count).toBe(2);
    expect(calls.writes).toBe(3);
  });

  it("matches remembered ids whole: a part of one, two joined, or an id holding the separator go to the store", async () => {
    const { calls, inner } = foldingStore();
    const store = new CachedFeatureStore(inner, new ProfileCache(10, 60_000));
    await store.applyEvents("v", null, null, [event("ab"), event("c")]);
    expect(calls.writes).toBe(1);
    for (const id of ["a", "b", "abc", "ab\0c", "\0", ""]) await store.applyEvents("v", null, null, [event(id)]);
    expect(calls.writes).toBe(7);
    // An id with the separator in it is applied, but never vouched for: its repeat is asked again.
    await store.applyEvents("v", null, null, [event("x\0y")]);
    await store.applyEvents("v", null, null, [event("x\0y")]);
    expect(calls.writes).toBe(9);
    expect(await store.applyEvents("v", null, null, [event("c"), event("ab")])).toBeDefined();
    expect(calls.writes).toBe(9);
  });

  it("remembers the last APPLIED_MEMO ids, and nothing with the cache off", async () => {
    const { calls, inner } = foldingStore();
    const store = new CachedFeatureStore(inner, new ProfileCache(10, 60_000));
    for (let i = 0; i <= APPLIED_MEMO; i++) await store.applyEvents("v", null, null, [event(`e${i}`)]);
    expect(calls.writes).toBe(APPLIED_MEMO + 1);
    await store.applyEvents("v", null, null, [event(`e${APPLIED_MEMO}`), event("e1")]);
    expect(calls.writes).toBe(APPLIED_MEMO + 1);
    await store.applyEvents("v", null, null, [event("e0")]);
    expect(calls.writes).toBe(APPLIED_MEMO + 2);

    const off = foldingStore();
    const uncached = new CachedFeatureStore(off.inner, new ProfileCache(10, 0));
    await uncached.applyEvents("v", null, null, [event("e1")]);
    await uncached.applyEvents("v", null, null, [event("e1")]);
    expect(off.calls.writes).toBe(2);
  });
});
