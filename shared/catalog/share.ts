// One copy of each repeated value in a catalog read from storage. Every row parsed from D1 brings its own copy
// of "product", "USD", "photo_first" and of arrays such as ["mobile", "desktop"]: at 10,000 items that was
// about 217,000 objects held by the isolate's snapshot, each one marked by every major GC (bench/README.md,
// "Start-up and the isolate's heap"). Sharing the low-cardinality fields leaves an item little more than its
// own id, title, url, texts and numbers.
import type { Item } from "./item";

/**
 * The same items with equal values of the repeating fields (kind, category, cluster, skill level, currency and
 * the string arrays) made one instance. Shared arrays are frozen: a caller that changed one item's tags in place
 * would change every item sharing them, so it fails loudly instead (ES modules run in strict mode).
 */
export function shareRepeatedValues(items: readonly Item[]): Item[] {
  const strings = new Map<string, string>();
  const lists = new Map<string, readonly string[]>();
  const one = <T extends string>(value: T): T => {
    const held = strings.get(value);
    if (held !== undefined) return held as T;
    strings.set(value, value);
    return value;
  };
  // A string array is shared whole when another item holds the same values in the same order.
  const list = <T extends string>(values: readonly T[]): T[] => {
    const key = JSON.stringify(values);
    let held = lists.get(key);
    if (held === undefined) {
      held = Object.freeze(values.map(one));
      lists.set(key, held);
    }
    // Item's arrays are typed mutable (zod's output type); nothing in aura writes to a loaded item's arrays.
    return held as T[];
  };
  return items.map((item) => ({
    ...item,
    kind: one(item.kind),
    category: one(item.category),
    cluster: one(item.cluster),
    skill_level: one(item.skill_level),
    currency: one(item.currency),
    topics: list(item.topics),
    tags: list(item.tags),
    seasonal_tags: list(item.seasonal_tags),
    jurisdictions: list(item.jurisdictions),
    policy_flags: list(item.policy_flags),
    devices: list(item.devices),
    personas: list(item.personas),
  }));
}
