// What the demo warm-up teaches the hero bandit (scripts/warm-demo.ts does it against the running Worker;
// scripts/simulate-warm-demo.ts replays it offline many times to show how reliably it is learned).

export const HERO_EXPERIMENT = {
  id: "hero_creative",
  surface_id: "homepage.hero",
  allocation: "bandit",
  metric: "click",
  segmented: true,
  segment_by: "persona",
  variants: [
    { id: "inspiration", weight: 1 / 3, payload: { style: "inspiration", headline: "Make something beautiful this weekend", sub: "Hand-picked tools for your next project.", cta: "Explore the collection" } },
    { id: "urgency", weight: 1 / 3, payload: { style: "urgency", headline: "Ends tonight: 30% off every preset pack", sub: "The weekend sale closes at midnight.", cta: "Shop the sale" } },
    { id: "beginner", weight: 1 / 3, payload: { style: "beginner", headline: "New to creative editing? Start here", sub: "Starter bundles and free guides, picked for beginners.", cta: "Start creating" } },
  ],
};

/** Click-through rates by entry channel and hero variant: what the simulated visitors do. */
export const TRUTH: Record<string, { utm: { source: string; medium: string }; device: string; ctr: Record<string, number> }> = {
  email: { utm: { source: "newsletter", medium: "email" }, device: "desktop", ctr: { urgency: 0.3, inspiration: 0.08, beginner: 0.03 } },
  social: { utm: { source: "instagram", medium: "social" }, device: "mobile", ctr: { beginner: 0.3, inspiration: 0.08, urgency: 0.05 } },
};

/**
 * 250 per channel: 500 ranks stay inside one address's rank limit (600 a minute, wrangler.toml), which the
 * warm-up shares with whoever opens the demo next. `npx tsx scripts/simulate-warm-demo.ts 20000` replays it
 * 20,000 times per channel: the channel's best creative ended with a serving probability of 0.6 or more in all
 * but 7 of the 40,000, while any single page load still shows another creative about 1 time in 35.
 */
export const VISITORS_PER_CHANNEL = 250;

/** Visitors between two posterior refreshes (the warm-up asks the Worker to re-read them after each round). */
export const SNAPSHOT_ROUND = 50;

/** A seeded stream of click decisions (mulberry32), so every fresh install teaches the same thing. */
export function visitorStream(seed = 20_261_121): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
