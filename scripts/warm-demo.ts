// Warms the demo up once the Worker is serving: creates the hero creative experiment (a Thompson-sampling
// bandit learning per persona) and lets simulated visitors with known tastes teach it, so a fresh `npm start`
// already shows what a week of traffic would have taught: shoppers from an email link respond to urgency,
// newcomers from social ads to a beginner's welcome. Visitors with no channel are left untaught (a flat prior),
// which is where the bandit can be watched learning from your own clicks. Usage: tsx scripts/warm-demo.ts [base]
import { HERO_EXPERIMENT, SNAPSHOT_ROUND, TRUTH, VISITORS_PER_CHANNEL, visitorStream } from "./warm-demo-plan";

const base = process.argv[2] ?? "http://127.0.0.1:8787";
const adminKey = process.env.ADMIN_API_KEY ?? /^ADMIN_API_KEY\s*=\s*"?([^"\n]*)"?/m.exec((await import("node:fs")).readFileSync(".dev.vars", "utf8"))?.[1];
if (!adminKey) throw new Error("ADMIN_API_KEY missing (environment or .dev.vars)");
const admin = { authorization: `Bearer ${adminKey}`, "content-type": "application/json" };

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
  const random = visitorStream();
  let clicks = 0;
  // The Worker re-reads posteriors every BANDIT_SNAPSHOT_TTL_SECONDS; the warm-up asks for a fresh read after
  // each round (re-affirming "running" does that), so later rounds are served from what earlier ones taught,
  // as live traffic would be, and the demo shows the learned creatives at once.
  const refresh = async () => {
    await new Promise((r) => setTimeout(r, 1500)); // the queue consumer's batch window
    await api(`/v1/experiments/${HERO_EXPERIMENT.id}`, { method: "PATCH", headers: admin, body: JSON.stringify({ status: "running" }) });
  };
  for (let i = 0; i < VISITORS_PER_CHANNEL; i++) {
    if (i > 0 && i % SNAPSHOT_ROUND === 0) await refresh();
    await Promise.all(
      Object.entries(TRUTH).map(async ([channel, t]) => {
        const anon = `anon_warm_${channel}_${i}`;
        const res = await api("/v1/rank", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ surface_id: "homepage.hero", user_ctx: { anon_id: anon, consent: ["analytics", "personalization"], device: t.device, utm: t.utm, page_type: "index" } }) });
        if (!res.ok) throw new Error(`ranking a warm-up visitor: ${res.status} ${await res.text()}`);
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

// A page whose decisions miss their budget (PAGE_DECISION_BUDGET_MS, 50) goes out as the storefront sent it. The
// first pages after the warm-up compile the page path and reload the posteriors its last round re-affirmed, and
// under `wrangler dev` they missed it: the first storefront page a new user opened was not personalized. A few
// pages here take that cost instead.
for (let i = 0; i < 3; i++) {
  const res = await api("/", { headers: { cookie: `aura_aid=anon_warmpage${i}0000; aura_consent=analytics,personalization` } });
  await res.text();
}
