// Warms the demo up once the Worker is serving: creates the hero creative experiment (a Thompson-sampling
// bandit learning per persona) and lets simulated visitors with known tastes teach it, so a fresh `npm start`
// already shows what a week of traffic would have taught: shoppers from an email link respond to urgency,
// newcomers from social ads to a beginner's welcome. Visitors with no channel are left untaught (a flat prior),
// which is where the bandit can be watched learning from your own clicks. Usage: tsx scripts/warm-demo.ts [base]
const base = process.argv[2] ?? "http://127.0.0.1:8787";
const adminKey = process.env.ADMIN_API_KEY ?? /^ADMIN_API_KEY\s*=\s*"?([^"\n]*)"?/m.exec((await import("node:fs")).readFileSync(".dev.vars", "utf8"))?.[1];
if (!adminKey) throw new Error("ADMIN_API_KEY missing (environment or .dev.vars)");
const admin = { authorization: `Bearer ${adminKey}`, "content-type": "application/json" };

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
const TRUTH: Record<string, { utm: { source: string; medium: string }; device: string; ctr: Record<string, number> }> = {
  email: { utm: { source: "newsletter", medium: "email" }, device: "desktop", ctr: { urgency: 0.3, inspiration: 0.08, beginner: 0.03 } },
  social: { utm: { source: "instagram", medium: "social" }, device: "mobile", ctr: { beginner: 0.3, inspiration: 0.08, urgency: 0.05 } },
};
const VISITORS_PER_CHANNEL = 250;

async function api(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${base}${path}`, init);
}

const existing = await api(`/v1/experiments/${HERO_EXPERIMENT.id}`, { headers: admin });
if (existing.status === 404) {
  const created = await api("/v1/experiments", { method: "POST", headers: admin, body: JSON.stringify(HERO_EXPERIMENT) });
  if (created.status !== 201) throw new Error(`creating ${HERO_EXPERIMENT.id}: ${created.status} ${await created.text()}`);
} else if (existing.status !== 200) {
  throw new Error(`reading ${HERO_EXPERIMENT.id}: ${existing.status}`);
}
const posteriors = (await (await api(`/v1/experiments/${HERO_EXPERIMENT.id}/posteriors`, { headers: admin })).json()) as { segments?: { segment: string; arms: { pulls: number }[] }[] };
const taught = (posteriors.segments ?? []).reduce((s, seg) => s + seg.arms.reduce((t, a) => t + a.pulls, 0), 0);
if (taught >= VISITORS_PER_CHANNEL) {
  console.log(`hero_creative already learned from ${taught} visits; not warming again`);
} else {
  // A seeded stream of visitors (mulberry32), so every fresh install learns the same thing.
  let state = 20_261_121;
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let clicks = 0;
  // The Worker re-reads posteriors every BANDIT_SNAPSHOT_TTL_SECONDS; the warm-up asks for a fresh read after
  // each round (re-affirming "running" does that), so later rounds are served from what earlier ones taught,
  // as live traffic would be, and the demo shows the learned creatives at once.
  const refresh = async () => {
    await new Promise((r) => setTimeout(r, 1500)); // the queue consumer's batch window
    await api(`/v1/experiments/${HERO_EXPERIMENT.id}`, { method: "PATCH", headers: admin, body: JSON.stringify({ status: "running" }) });
  };
  for (let i = 0; i < VISITORS_PER_CHANNEL; i++) {
    if (i > 0 && i % 50 === 0) await refresh();
    await Promise.all(
      Object.entries(TRUTH).map(async ([channel, t]) => {
        const anon = `anon_warm_${channel}_${i}`;
        const res = await api("/v1/rank", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ surface_id: "homepage.hero", user_ctx: { anon_id: anon, consent: ["analytics", "personalization"], device: t.device, utm: t.utm, page_type: "index" } }) });
        const body = (await res.json()) as { request_id: string; items: { content_id: string }[]; experiment: { variant: string } | null };
        const item = body.items[0]?.content_id;
        if (!body.experiment || !item) return;
        const p = t.ctr[body.experiment.variant] ?? 0;
        if (random() < p) {
          clicks++;
          await api("/v1/feedback", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ request_id: body.request_id, item_id: item, reward: { type: "click", value: 1, timestamp: new Date().toISOString() } }) });
        }
      }),
    );
  }
  await refresh();
  console.log(`hero_creative warmed up: ${2 * VISITORS_PER_CHANNEL} simulated visits, ${clicks} clicks`);
}
