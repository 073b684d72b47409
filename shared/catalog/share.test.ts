// shareRepeatedValues: the items stay equal to what was read, and the repeated values are one instance each.
import { describe, expect, it } from "vitest";
import { demoCatalog } from "./demo";
import type { Item } from "./item";
import { shareRepeatedValues } from "./share";
import { syntheticCatalog } from "./synthetic";

/** A deep copy through JSON, as D1 rows arrive: every string and array its own instance. */
const asRead = (items: readonly Item[]): Item[] => JSON.parse(JSON.stringify(items)) as Item[];

describe("shareRepeatedValues", () => {
  const read = asRead(syntheticCatalog(2000, 7));
  const shared = shareRepeatedValues(read);

  it("keeps every item equal to what was read, in order", () => {
    expect(shared).toEqual(read);
    expect(asRead(demoCatalog())).toEqual(shareRepeatedValues(asRead(demoCatalog())));
  });

  it("makes equal lists one frozen array, and the read ones are left alone", () => {
    const byKey = new Map<string, Item["tags"]>();
    let repeats = 0;
    for (const item of shared) {
      for (const field of ["topics", "tags", "seasonal_tags", "jurisdictions", "policy_flags", "personas"] as const) {
        const value = item[field];
        expect(Object.isFrozen(value)).toBe(true);
        const key = `${field}:${JSON.stringify(value)}`;
        const first = byKey.get(key);
        if (first === undefined) byKey.set(key, value);
        else {
          expect(value).toBe(first);
          repeats++;
        }
      }
    }
    // The synthetic catalog repeats its topic pairs, persona lists and empty lists thousands of times.
    expect(repeats).toBeGreaterThan(5 * shared.length);
    expect(Object.isFrozen(read[0]!.tags)).toBe(false);
    // Lists with the same values in another order are not the same list.
    const [a, b] = shareRepeatedValues([
      { ...read[0]!, topics: ["x", "y"] },
      { ...read[1]!, topics: ["y", "x"] },
    ]);
    expect(a!.topics).toEqual(["x", "y"]);
    expect(b!.topics).toEqual(["y", "x"]);
  });

  it("fails loudly when a caller writes to a shared list", () => {
    const [a] = shareRepeatedValues(asRead([read[0]!]));
    expect(() => (a!.tags as string[]).push("changed")).toThrow(TypeError);
  });
});
