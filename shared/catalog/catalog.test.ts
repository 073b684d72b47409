// Guards the demo and synthetic catalogs: schema validity, stable ids, determinism, and the journeys the demo must support.
import { describe, it, expect } from "vitest";
import { Item } from "./item";
import { DEMO_ANCHOR_DATE, demoCatalog } from "./demo";
import { syntheticCatalog } from "./synthetic";
import { createRng } from "./prng";

const DAY_MS = 86_400_000;
const anchorMs = Date.parse(DEMO_ANCHOR_DATE);

function wordCount(text: string): number {
  return text.split(/\s+/).filter((word) => word.length > 0).length;
}

describe("createRng", () => {
  it("repeats the same sequence for the same seed and stays in range", () => {
    const a = createRng(7);
    const b = createRng(7);
    for (let i = 0; i < 1000; i++) {
      const x = a.next();
      expect(x).toBe(b.next());
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      const n = a.int(3, 5);
      b.int(3, 5);
      expect([3, 4, 5]).toContain(n);
    }
    expect(createRng(1).next()).not.toBe(createRng(2).next());
  });
});

describe("demoCatalog", () => {
  const catalog = demoCatalog();
  const products = catalog.filter((item) => item.kind === "product");
  const content = catalog.filter((item) => item.kind === "content");

  it("contains only items that pass Item.parse unchanged", () => {
    for (const item of catalog) {
      expect(Item.parse(item)).toEqual(item);
    }
  });

  it("has unique ids and urls, in the documented id ranges", () => {
    expect(new Set(catalog.map((item) => item.id)).size).toBe(catalog.length);
    expect(new Set(catalog.map((item) => item.url)).size).toBe(catalog.length);
    for (const item of products) {
      expect(item.id).toMatch(/^p\d{3}$/);
      expect(item.url).toMatch(/^\/products\/[a-z0-9-]+$/);
    }
    for (const item of content) {
      expect(item.id).toMatch(/^c1\d{2}$/);
      expect(item.url).toMatch(/^\/guides\/[a-z0-9-]+$/);
    }
    expect(products[0]?.id).toBe("p001");
    expect(content[0]?.id).toBe("c101");
  });

  it("has about 200 products and about 30 content items", () => {
    expect(products.length).toBeGreaterThanOrEqual(190);
    expect(products.length).toBeLessThanOrEqual(210);
    expect(content.length).toBeGreaterThanOrEqual(28);
    expect(content.length).toBeLessThanOrEqual(35);
  });

  it("is deterministic across calls and returns fresh objects", () => {
    const again = demoCatalog();
    expect(again).toEqual(catalog);
    expect(again).not.toBe(catalog);
    expect(again[0]?.tags).not.toBe(catalog[0]?.tags);
  });

  it("uses the expected categories", () => {
    for (const item of products) {
      expect(["photo", "vector", "bundle", "pro_gear", "tutorial"]).toContain(item.category);
    }
    for (const item of content) {
      expect(["guide", "tutorial"]).toContain(item.category);
      expect(item.price).toBe(0);
      expect(item.inventory).toBeNull();
    }
  });

  it("gives content items a multi-paragraph body of 80-250 words", () => {
    for (const item of content) {
      const words = wordCount(item.body);
      expect(words, item.id).toBeGreaterThanOrEqual(80);
      expect(words, item.id).toBeLessThanOrEqual(250);
      expect(item.body.split("\n\n").length, item.id).toBeGreaterThanOrEqual(2);
    }
  });

  it("keeps every cluster between 3 and 15 items", () => {
    const sizes = new Map<string, number>();
    for (const item of catalog) sizes.set(item.cluster, (sizes.get(item.cluster) ?? 0) + 1);
    for (const [cluster, size] of sizes) {
      expect(size, cluster).toBeGreaterThanOrEqual(3);
      expect(size, cluster).toBeLessThanOrEqual(15);
    }
  });

  it("dates items within two years before the anchor, with some launched in the last 14 days", () => {
    const ages = catalog.map((item) => (anchorMs - Date.parse(item.published_at)) / DAY_MS);
    for (const age of ages) {
      expect(age).toBeGreaterThan(0);
      expect(age).toBeLessThanOrEqual(731);
    }
    expect(ages.filter((age) => age <= 14).length).toBeGreaterThanOrEqual(5);
    expect(ages.filter((age) => age > 365).length).toBeGreaterThanOrEqual(30);
  });

  it("has at least 8 beginner starter bundles for novice shoppers at moderate prices", () => {
    const beginnerBundles = products.filter(
      (item) =>
        item.category === "bundle" &&
        item.skill_level === "beginner" &&
        item.tags.includes("starter") &&
        item.personas.includes("novice_shopper"),
    );
    expect(beginnerBundles.length).toBeGreaterThanOrEqual(8);
    for (const item of beginnerBundles) {
      expect(item.price, item.title).toBeGreaterThanOrEqual(19);
      expect(item.price, item.title).toBeLessThanOrEqual(79);
      expect(item.popularity, item.title).toBeGreaterThanOrEqual(0.6);
      expect(item.inventory === null || item.inventory > 0, item.title).toBe(true);
    }
    expect(beginnerBundles.map((item) => item.title)).toEqual(
      expect.arrayContaining(["Vector Starter Bundle", "Photo Editing Starter Kit"]),
    );
  });

  it("has at least 12 high-end pro gear items for pro shoppers, mostly physical and in stock", () => {
    const highEnd = products.filter(
      (item) =>
        item.category === "pro_gear" &&
        item.skill_level === "pro" &&
        item.tags.includes("high_end") &&
        item.personas.includes("shopper_pro"),
    );
    expect(highEnd.length).toBeGreaterThanOrEqual(12);
    for (const item of highEnd) {
      expect(item.price, item.title).toBeGreaterThanOrEqual(400);
      expect(item.price, item.title).toBeLessThanOrEqual(3000);
    }
    const physicalInStock = highEnd.filter((item) => item.inventory !== null && item.inventory > 0);
    expect(physicalInStock.length).toBeGreaterThanOrEqual(12);
    expect(physicalInStock.length * 2).toBeGreaterThan(highEnd.length);
  });

  it("has plenty of photo-first and vector-first products at every skill level", () => {
    for (const [category, persona] of [["photo", "photo_first"], ["vector", "vector_first"]] as const) {
      const aimed = products.filter((item) => item.category === category && item.personas.includes(persona));
      expect(aimed.length, category).toBeGreaterThanOrEqual(40);
      for (const level of ["beginner", "intermediate", "pro"] as const) {
        expect(aimed.filter((item) => item.skill_level === level).length, `${category}/${level}`).toBeGreaterThanOrEqual(5);
      }
    }
  });

  it("prices and stocks goods plausibly", () => {
    for (const item of products) {
      expect(item.margin).toBeGreaterThanOrEqual(0.1);
      expect(item.margin).toBeLessThanOrEqual(0.8);
      if (item.category === "pro_gear") {
        expect(item.price, item.title).toBeGreaterThanOrEqual(300);
        expect(item.price, item.title).toBeLessThanOrEqual(3000);
      }
      if (item.category === "photo" || item.category === "vector") expect(item.inventory, item.title).toBeNull();
    }
    const beginnerDigital = products.filter((item) => item.skill_level === "beginner" && item.inventory === null);
    const moderatelyPriced = beginnerDigital.filter((item) => item.price >= 5 && item.price <= 60);
    expect(moderatelyPriced.length / beginnerDigital.length).toBeGreaterThan(0.9);
  });

  it("exercises the in-stock, jurisdiction, policy and device filters", () => {
    expect(products.filter((item) => item.inventory === 0).length).toBeGreaterThanOrEqual(2);
    expect(products.filter((item) => item.inventory !== null && item.inventory > 0).length).toBeGreaterThanOrEqual(20);
    const restricted = catalog.filter((item) => item.jurisdictions.length > 0);
    expect(restricted.length).toBeGreaterThanOrEqual(3);
    expect(restricted.length).toBeLessThan(catalog.length / 10);
    expect(catalog.some((item) => item.policy_flags.includes("age_restricted"))).toBe(true);
    expect(catalog.some((item) => item.policy_flags.includes("requires_marketing_consent"))).toBe(true);
    expect(catalog.some((item) => item.devices.includes("desktop"))).toBe(true);
    expect(catalog.filter((item) => item.seasonal_tags.length === 0).length).toBeGreaterThan(catalog.length / 2);
  });
});

describe("syntheticCatalog", () => {
  const catalog = syntheticCatalog(10_000);

  it("yields 10,000 valid items with unique ids", () => {
    expect(catalog).toHaveLength(10_000);
    for (const item of catalog) Item.parse(item);
    expect(new Set(catalog.map((item) => item.id)).size).toBe(10_000);
    expect(catalog[0]?.id).toBe("s000001");
    expect(catalog[9_999]?.id).toBe("s010000");
  });

  it("is deterministic per seed and differs across seeds", () => {
    expect(syntheticCatalog(10_000)).toEqual(catalog);
    expect(syntheticCatalog(500, 7)).toEqual(syntheticCatalog(500, 7));
    const other = syntheticCatalog(10_000, 43);
    expect(other).not.toEqual(catalog);
    expect(other.filter((item, i) => item.title === catalog[i]?.title).length).toBeLessThan(1_000);
  });

  it("has storefront-like distributions", () => {
    const share = (predicate: (item: Item) => boolean): number => catalog.filter(predicate).length / catalog.length;
    expect(share((item) => item.inventory === 0)).toBeGreaterThan(0.03);
    expect(share((item) => item.inventory === 0)).toBeLessThan(0.07);
    expect(share((item) => item.jurisdictions.length > 0)).toBeGreaterThan(0.015);
    expect(share((item) => item.jurisdictions.length > 0)).toBeLessThan(0.05);
    // Zipf-ish: a small head of popular items and a long tail.
    expect(share((item) => item.popularity >= 0.5)).toBeLessThan(0.03);
    expect(share((item) => item.popularity < 0.25)).toBeGreaterThan(0.8);
    const clusterSizes = new Map<string, number>();
    for (const item of catalog) clusterSizes.set(item.cluster, (clusterSizes.get(item.cluster) ?? 0) + 1);
    const meanSize = catalog.length / clusterSizes.size;
    expect(meanSize).toBeGreaterThan(15);
    expect(meanSize).toBeLessThan(25);
    for (const kind of ["product", "content"] as const) expect(share((item) => item.kind === kind)).toBeGreaterThan(0.05);
  });

  it("uses the demo vocabulary", () => {
    const categories = new Set(catalog.map((item) => item.category));
    for (const category of ["photo", "vector", "bundle", "pro_gear", "tutorial", "guide"]) expect(categories).toContain(category);
    const personas = new Set(catalog.flatMap((item) => item.personas));
    for (const persona of ["novice_shopper", "shopper_pro", "photo_first", "vector_first"]) expect(personas).toContain(persona);
    const tags = new Set(catalog.flatMap((item) => item.tags));
    for (const tag of ["starter", "high_end", "best_seller", "new", "eco_packaging", "4k", "print"]) expect(tags).toContain(tag);
  });
});
