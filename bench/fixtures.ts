// Deterministic workload fixtures: realistic clickstream sessions, visitor profiles, /v1/events payloads and
// /v1/rank request bodies. Everything is seeded, so two runs send byte-identical traffic.
import type { ClickstreamEvent, EventsRequest, RankRequest } from "../shared/api/schemas";
import type { Item } from "../shared/catalog/item";
import { createRng, type Rng } from "../shared/catalog/prng";
import type { DeviceClass } from "../shared/persona/signals";
import { toIncomingEvents } from "../shared/profile/events";
import { applyEvents, type VisitorProfile } from "../shared/profile/profile";

export const CONSENT_ALL = ["analytics", "personalization"] as const;
const DEVICES: readonly DeviceClass[] = ["mobile", "mobile", "mobile", "desktop", "desktop", "tablet"];
const UTMS: readonly ({ source: string; medium: string } | null)[] = [
  null,
  null,
  { source: "instagram", medium: "social" },
  { source: "newsletter", medium: "email" },
  { source: "google", medium: "cpc" },
];
const REFERRERS = ["https://l.instagram.com/", "https://www.google.com/", "https://mail.google.com/", null, null] as const;
const QUERIES: Record<string, readonly string[]> = {
  photo: ["lightroom presets", "moody photo luts", "beginner photo editing", "portrait presets"],
  vector: ["svg icon set", "vector illustration kit", "logo font", "figma ui kit"],
  bundle: ["starter bundle", "best bundle for beginners"],
  pro_gear: ["4k monitor vs colorimeter", "professional pen display", "studio light kit"],
  tutorial: ["how to color grade", "lightroom tutorial", "getting started with vector art"],
};

export const anonPool = (n: number): string[] => Array.from({ length: n }, (_, i) => `bench-anon-${String(i).padStart(4, "0")}`);

function pageTypeFor(item: Item): string {
  return item.kind === "content" ? "guide" : "product";
}

/**
 * A 20-ish event browsing session over `catalog`: arrives on a collection page, looks at products mostly in one
 * category (several in one cluster), searches, clicks, reads a guide, adds to cart, sometimes removes one.
 * Timestamps are spaced 15-90 s apart and end at `endMs`.
 */
export function sessionEvents(catalog: readonly Item[], rng: Rng, endMs: number, count = 20): ClickstreamEvent[] {
  const products = catalog.filter((i) => i.kind === "product");
  const content = catalog.filter((i) => i.kind === "content");
  const focus = rng.pick(products);
  const sameCategory = products.filter((i) => i.category === focus.category);
  const sameCluster = products.filter((i) => i.cluster === focus.cluster);
  const utm = rng.pick(UTMS);
  const referrer = rng.pick(REFERRERS);
  const gaps = Array.from({ length: count }, () => rng.int(15, 90) * 1000);
  let ts = endMs - gaps.reduce((a, b) => a + b, 0);
  const events: ClickstreamEvent[] = [];
  const iso = () => new Date((ts += gaps[events.length]!)).toISOString();

  events.push({
    type: "page_view",
    ts: iso(),
    url: `/collections/${focus.category}`,
    page_type: "collection",
    category: focus.category,
    ...(referrer ? { referrer } : {}),
    ...(utm ? { utm } : {}),
  });
  const cart: string[] = [];
  while (events.length < count) {
    const roll = rng.next();
    const item = roll < 0.45 ? rng.pick(sameCluster) : roll < 0.8 ? rng.pick(sameCategory) : rng.pick(products);
    const step = events.length;
    if (step % 7 === 3) {
      events.push({ type: "search", ts: iso(), page_type: "search", query: rng.pick(QUERIES[focus.category] ?? QUERIES.photo!) });
    } else if (step % 9 === 5 && content.length > 0) {
      const guide = rng.pick(content);
      events.push({ type: "page_view", ts: iso(), url: guide.url, page_type: "guide", category: guide.category, product_id: guide.id });
    } else if (step % 6 === 4) {
      cart.push(item.id);
      events.push({ type: "add_to_cart", ts: iso(), page_type: "product", category: item.category, product_id: item.id, value: item.price });
    } else if (step === count - 2 && cart.length > 1) {
      events.push({ type: "remove_from_cart", ts: iso(), page_type: "cart", product_id: cart[0]! });
    } else {
      const type = rng.chance(0.3) ? "click" : "page_view";
      events.push({ type, ts: iso(), url: item.url, page_type: pageTypeFor(item), category: item.category, product_id: item.id });
    }
  }
  return events;
}

export function eventsRequest(anonId: string, catalog: readonly Item[], rng: Rng, endMs: number, count = 20): EventsRequest {
  return {
    anon_id: anonId,
    session_id: `${anonId}-s1`,
    consent: [...CONSENT_ALL],
    device: rng.pick(DEVICES),
    events: sessionEvents(catalog, rng, endMs, count),
  };
}

/** A visitor profile exactly as the Durable Object would hold it after one session of `count` events. */
export function visitorProfile(anonId: string, catalog: readonly Item[], seed: number, now: number, halfLifeDays: number, count = 20): VisitorProfile {
  const rng = createRng(seed);
  const req = eventsRequest(anonId, catalog, rng, now - 60_000, count);
  return applyEvents(null, anonId, req.session_id ?? null, req.device ?? null, toIncomingEvents(req, "shop.example"), now, halfLifeDays);
}

const SURFACE_MIX: readonly { surface: string; share: number }[] = [
  { surface: "homepage.carousel", share: 0.7 },
  { surface: "homepage.hero", share: 0.1 },
  { surface: "product.related", share: 0.1 },
  { surface: "checkout.upsell", share: 0.05 },
  { surface: "content.guides", share: 0.05 },
];

export function rankRequest(anonId: string, surface: string, productIds: readonly string[], rng: Rng): RankRequest {
  const utm = rng.pick(UTMS);
  const ctx: RankRequest["user_ctx"] = {
    anon_id: anonId,
    device: rng.pick(DEVICES),
    consent: [...CONSENT_ALL],
    page_type: surface.startsWith("homepage") ? "index" : surface === "checkout.upsell" ? "checkout" : surface === "content.guides" ? "guide" : "product",
    ...(utm ? { utm } : {}),
  };
  const req: RankRequest = { surface_id: surface, user_ctx: ctx };
  if (surface === "product.related") req.context = { product_id: rng.pick(productIds) };
  if (surface === "checkout.upsell") req.context = { cart: Array.from({ length: rng.int(1, 3) }, () => rng.pick(productIds)) };
  return req;
}

/**
 * `count` serialized /v1/rank bodies over the anon-id pool, mostly homepage.carousel (70%), the rest spread over
 * the other surfaces. `productIds` feed product.related anchors and checkout carts.
 */
export function rankBodies(pool: readonly string[], productIds: readonly string[], count: number, seed = 7): string[] {
  const rng = createRng(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let roll = rng.next();
    let surface = SURFACE_MIX[0]!.surface;
    for (const s of SURFACE_MIX) {
      roll -= s.share;
      if (roll < 0) {
        surface = s.surface;
        break;
      }
    }
    out.push(JSON.stringify(rankRequest(rng.pick(pool), surface, productIds, rng)));
  }
  return out;
}

export function surfaceMixLabel(): string {
  return SURFACE_MIX.map((s) => `${s.surface} ${Math.round(s.share * 100)}%`).join(", ");
}
