// An isolate's first loads (the catalog snapshot, the experiments' posteriors, the opt-out set) are shared by every
// request that arrives while they run, and must outlive the request that happened to start them. A page stops
// waiting for its decisions at its budget (50 ms) and its response can end before a cold isolate's first snapshot
// build does; the runtime cancels what an ended request left running. On an isolate serving only pages, under
// steady traffic every page started a build that no page saw finish: in the benchmark's setup, 0 of 611 pages over
// 8 s had a slot filled, each having waited the whole budget. Checked here at the runtime's boundary (what each
// load hands to the starting request's waitUntil), since a test's requests all share the runner's context and are
// never cut.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { isOptedOut } from "../privacy/opt-out";
import { getBanditSnapshot } from "./posteriors";
import { getSnapshot } from "./snapshot";

/** A request's context that records what it is asked to keep running past its response. */
function requestContext() {
  const kept: Promise<unknown>[] = [];
  return { kept, waitUntil: (p: Promise<unknown>) => void kept.push(p) };
}

describe("an isolate's first loads outlive the request that started them", () => {
  it("the catalog snapshot", async () => {
    const starter = requestContext();
    const first = getSnapshot(env, starter);
    expect(starter.kept).toHaveLength(1);
    // A request arriving during the build shares it.
    const other = requestContext();
    const second = getSnapshot(env, other);
    expect(other.kept).toHaveLength(0);
    expect(await second).toBe(await first);
    // What the starter keeps alive is the build itself.
    expect(await starter.kept[0]).toBe(await first);
    // Built: served from memory, nothing more to keep alive.
    const later = requestContext();
    expect(await getSnapshot(env, later)).toBe(await first);
    expect(later.kept).toHaveLength(0);
  });

  it("the experiments' posteriors", async () => {
    const starter = requestContext();
    const first = getBanditSnapshot(env, starter);
    expect(starter.kept).toHaveLength(1);
    const other = requestContext();
    expect(await getBanditSnapshot(env, other)).toBe(await first);
    expect(other.kept).toHaveLength(0);
    expect(await starter.kept[0]).toBe(await first);
  });

  it("the opt-out set", async () => {
    const starter = requestContext();
    const first = isOptedOut(env, starter, "anon_firstload0001");
    expect(starter.kept).toHaveLength(1);
    const other = requestContext();
    expect(await isOptedOut(env, other, "anon_firstload0002")).toBe(false);
    expect(other.kept).toHaveLength(0);
    expect(await first).toBe(false);
    // What the starter keeps alive is the set's load (the set itself, once read).
    expect(await starter.kept[0]).toMatchObject({ hashes: expect.any(Set) });
  });
});
