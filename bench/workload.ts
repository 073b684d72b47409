// Preparing a served Worker for load: D1 migrations, catalog seed through the D1 binding, visitor profiles
// through POST /v1/events, and the /v1/rank target the load generators hit.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Miniflare } from "miniflare";
import { Pool } from "undici";
import { syntheticCatalog } from "../shared/catalog/synthetic";
import type { Item } from "../shared/catalog/item";
import { DEMO_ANCHOR_DATE } from "../shared/catalog/demo";
import { createRng } from "../shared/catalog/prng";
import { catalogSql } from "../scripts/catalog-sql";
import { HERO_EXPERIMENT } from "../scripts/warm-demo-plan";
import { anonPool, eventsRequest, rankBodies, rankRequest } from "./fixtures";
import { fixedRate, type Target } from "./loadgen";
import { BENCH_SECRETS, ROOT, type ServedWorker } from "./server";
import { sleep } from "./stats";

export const POOL_SIZE = 1000;
/** Share of the anon-id pool that has a stored profile; the rest rank as new visitors. */
export const PROFILED_SHARE = 0.6;
export const EVENTS_PER_PROFILE = 20;

type D1 = Awaited<ReturnType<Miniflare["getD1Database"]>>;

/** The .sql migrations in order, each split on drizzle's statement breakpoints. */
export function migrationStatements(): string[] {
  const dir = join(ROOT, "migrations");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .flatMap((f) => readFileSync(join(dir, f), "utf8").split("--> statement-breakpoint"))
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export async function migrate(db: D1): Promise<number> {
  const statements = migrationStatements();
  for (const sql of statements) await db.prepare(sql).run();
  return statements.length;
}

/** Replaces the catalog with `items` using the seed script's SQL (one upsert per line), in batches. */
export async function seedCatalog(db: D1, items: readonly Item[], version: string): Promise<void> {
  const lines = catalogSql(items, version, DEMO_ANCHOR_DATE).split("\n").filter((l) => l.trim().length > 0);
  await db.prepare("DELETE FROM items").run();
  for (let i = 0; i < lines.length; i += 1000) {
    await db.batch(lines.slice(i, i + 1000).map((l) => db.prepare(l)));
  }
  const row = await db.prepare("SELECT COUNT(*) AS n FROM items").first<{ n: number }>();
  if (row?.n !== items.length) throw new Error(`seeded ${row?.n} items, expected ${items.length}`);
}

export function catalog(n: number): Item[] {
  return syntheticCatalog(n);
}

/**
 * The experiments the benched Worker runs, as a deployment does: the demo's hero bandit (Thompson sampling per
 * persona: 10 % of the rank mix, and every page's hero slot) and a fixed A/B with a holdout in a layer on the
 * carousel (70 % of the mix: the hash bucketing of `chooseFixedArm`). Without them /v1/rank skips the experiment
 * step, and the queue consumer never feeds a bandit shard.
 */
export const BENCH_EXPERIMENTS = [
  HERO_EXPERIMENT,
  {
    id: "carousel_layout",
    surface_id: "homepage.carousel",
    allocation: "fixed",
    holdout: 0.05,
    layer: "carousel",
    metric: "click",
    variants: [
      { id: "control", weight: 0.5, payload: { layout: "rail" } },
      { id: "grid", weight: 0.5, payload: { layout: "grid" } },
    ],
  },
] as const;

/** Creates BENCH_EXPERIMENTS through the admin API (POST /v1/experiments), as an operator would. */
export async function createExperiments(origin: string): Promise<number> {
  for (const experiment of BENCH_EXPERIMENTS) {
    const res = await fetch(`${origin}/v1/experiments`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${BENCH_SECRETS.ADMIN_API_KEY}` },
      body: JSON.stringify(experiment),
    });
    if (res.status !== 201) throw new Error(`creating experiment ${experiment.id}: ${res.status} ${await res.text()}`);
  }
  return BENCH_EXPERIMENTS.length;
}

/**
 * Stores a profile for the first PROFILED_SHARE of the pool: one POST /v1/events of EVENTS_PER_PROFILE events
 * each (personalization consent), so the request path writes the Durable Object and the queue consumer logs.
 */
export async function createProfiles(origin: string, items: readonly Item[], pool: readonly string[]): Promise<{ profiles: number; events: number; failures: number }> {
  const ids = pool.slice(0, Math.round(pool.length * PROFILED_SHARE));
  const rng = createRng(99);
  const endMs = Date.now() - 5 * 60_000;
  const bodies = ids.map((id) => JSON.stringify(eventsRequest(id, items, rng, endMs, EVENTS_PER_PROFILE)));
  const client = new Pool(origin, { connections: 16 });
  let failures = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const res = await client.request({ method: "POST", path: "/v1/events", headers: { "content-type": "application/json" }, body });
        const text = await res.body.text();
        if (res.statusCode !== 202) {
          failures++;
          if (failures <= 3) console.error(`  POST /v1/events -> ${res.statusCode}: ${text.slice(0, 300)}`);
        }
      }
    }),
  );
  await client.close();
  return { profiles: ids.length - failures, events: (ids.length - failures) * EVENTS_PER_PROFILE, failures };
}

/** Waits until the queue consumer has written a segment assignment for every profiled visitor. */
export async function waitForQueueDrain(db: D1, expected: number, timeoutMs: number): Promise<{ drained: boolean; assignments: number; waitedMs: number }> {
  const start = Date.now();
  let n = 0;
  while (Date.now() - start < timeoutMs) {
    n = (await db.prepare("SELECT COUNT(*) AS n FROM segment_assignments").first<{ n: number }>())?.n ?? 0;
    if (n >= expected) break;
    await sleep(250);
  }
  // One more batch window so nothing is still being consumed while we measure.
  await sleep(1200);
  return { drained: n >= expected, assignments: n, waitedMs: Date.now() - start };
}

/**
 * A freshly served aura ready for a rank run (the profiling tools' setup): schema, `items` seeded, the pool's
 * profiles written through the Worker and consumed, and the rank target warmed up for 3 s at `rate`.
 */
export async function prepareRankRun(served: ServedWorker, items: number, rate: number): Promise<{ cat: Item[]; target: Target }> {
  const db = await served.mf.getD1Database("DB");
  await migrate(db);
  const cat = catalog(items);
  await seedCatalog(db, cat, `synthetic-${items}`);
  await createExperiments(served.url.origin);
  const profiles = await createProfiles(served.url.origin, cat, anonPool(POOL_SIZE));
  await waitForQueueDrain(db, profiles.profiles, 30_000);
  const target = rankTarget(served.url.origin, cat);
  await fixedRate(target, { rate, durationS: 3, connections: 64, serverPid: served.pid });
  return { cat, target };
}

/**
 * The rank scenario on a Worker without its queue consumer (CPU A/B runs: rank-cpu.ts, ab.ts): catalog seeded,
 * the pool's profiles created through /v1/events (written inline; with no consumer there is no queue to drain,
 * just a settle), and its rank requests.
 */
export async function seedDetachedRankRun(served: ServedWorker, items: number): Promise<Target> {
  const db = await served.mf.getD1Database("DB");
  await migrate(db);
  const cat = catalog(items);
  await seedCatalog(db, cat, `synthetic-${items}`);
  await createExperiments(served.url.origin);
  await createProfiles(served.url.origin, cat, anonPool(POOL_SIZE));
  await new Promise((resolve) => setTimeout(resolve, 3000));
  return rankTarget(served.url.origin, cat);
}

/** profile_status of a /v1/rank answer (the last field of the body). */
export function profileStatusLabel(text: string): string {
  const key = '"profile_status":"';
  const i = text.lastIndexOf(key);
  if (i < 0) return "missing";
  return text.slice(i + key.length, text.indexOf('"', i + key.length));
}

export function rankTarget(origin: string, items: readonly Item[], count = 4000): Target {
  const productIds = items.filter((i) => i.kind === "product").map((i) => i.id);
  return { origin, method: "POST", path: "/v1/rank", bodies: rankBodies(anonPool(POOL_SIZE), productIds, count), label: profileStatusLabel };
}

/** One homepage.carousel rank per visitor of the pool, in pool order: wakes every visitor's Durable Object. */
export function visitorPassTarget(origin: string, items: readonly Item[]): Target {
  const rng = createRng(5);
  const productIds = items.filter((i) => i.kind === "product").map((i) => i.id);
  const bodies = anonPool(POOL_SIZE).map((id) => JSON.stringify(rankRequest(id, "homepage.carousel", productIds, rng)));
  return { origin, method: "POST", path: "/v1/rank", bodies, label: profileStatusLabel };
}
