// Paired A/B of workerd CPU per personalized /v1/rank (or, with --page, per personalized storefront page through
// the CDN path): the working tree against another commit, both served at
// once (each its own workerd, pinned to the same core) and measured in alternating short closed loops, so the
// machine's drift (this VM's CPU per request moves by 10-20 % within minutes) lands on both sides of every pair.
// Separate runs of bench/rank-cpu.ts, minutes apart, disagreed with each other by more than the changes they were
// meant to judge. Where perf has an instructions counter, each loop's instructions per request are compared too:
// they move less than CPU time when the VM's host is busy.
//
//   npx tsx bench/ab.ts [--base HEAD] [--items 1000] [--rounds 12] [--seconds 2] [--warmup 3] [--consumer] [--page]
//                       [--events [--rate 150] [--history 0]]
//
// --page: the page benchmark's 100 KB storefront page from its Node origin (on the load generator's core), not
// cacheable, viewed by its visitors with consent: origin fetch, three slot decisions and the rewrite per request.
// At least 99 % of each run's pages must come back with all their slots filled (a page that fails open skips the
// decisions, so a side failing open would look cheaper); the output gives the counts.
//
// --events: POST /v1/events (1-5 events, personalization consent) from visitors who have a profile, with the queue
// consumer attached: the request's profile write, then the consumer's event log and segment assignment (and a
// second, idempotent profile apply, unless the isolate's profile cache saw the first). Each loop runs at a fixed
// --rate for --seconds and is followed by the consumer's batch window, and workerd's CPU over both is charged to
// the loop's requests, so the consumer's share is counted wherever it lands. Every loop sends events with ids of
// its own (a repeated id is a no-op redelivery). --history N first sends each visitor N more events (in batches of
// EVENTS_PER_PROFILE, 20), for the profiles of visitors who have been around: 500 applied ids, 50 recent events
// and hundreds of interests once N passes a few hundred.
//
// The base is checked out into bench/.work/ab-base (a git worktree, sharing this node_modules) and bundled there.
// Both sides run with the working tree's wrangler.toml. --consumer keeps the decision-log consumer attached (it
// shares workerd's thread); by default it is detached, as in rank-cpu.ts.
import { cpus } from "node:os";
import { join } from "node:path";
import { flagOption, numberOption, option } from "./cli";
import { createRng } from "../shared/catalog/prng";
import { anonPool, eventsRequest } from "./fixtures";
import { closedLoop, fixedRate, onePass, type LoadResult, type Target } from "./loadgen";
import { pageAuraConfig, pageLabel, pagesFilled, pageView, pageVisitors, startOrigin, storefrontPage, type Origin } from "./page";
import { bundleWorker, checkoutWorktree, countInstructions, freshDir, pin, pinServed, planPinning, processCpuMs, readWranglerConfig, ROOT, serveAura, STATE_DIR, stopServed, withoutQueueConsumer, WORK_DIR, type ServedWorker } from "./server";
import { pairedInterval, round, sleep, summarize } from "./stats";
import { catalog, createProfiles, EVENTS_PER_PROFILE, POOL_SIZE, PROFILED_SHARE, seedDetachedRankRun } from "./workload";

const base = option("base", "HEAD");
const items = numberOption("items", 1000);
const rounds = numberOption("rounds", 12);
const seconds = numberOption("seconds", 2);
/** Closed-loop seconds per side before anything counts. A slow machine needs more (its rank path took ~15 s). */
const warmup = numberOption("warmup", 3);
const consumer = flagOption("consumer");
const page = flagOption("page");
const events = flagOption("events");
/** Events requests per second in an --events loop: the mix's 150/s (15 % of 1,000/s). */
const eventsRate = numberOption("rate", 150);
const history = numberOption("history", 0);
/** Events per --history request (what createProfiles sends a visitor in one go). */
const HISTORY_BATCH = EVENTS_PER_PROFILE;
/** After an --events loop: the consumer's batch window (max_batch_timeout = 1 s) and its writes, with room. */
const CONSUMER_SETTLE_MS = 2500;
/**
 * In flight at once. A page's slots wait at most PAGE_DECISION_BUDGET_MS (50) from its arrival, and a page queued
 * behind others on the one core spends that wait there; 4 at a time (~1.2 ms of CPU each here) keep every page
 * well inside it.
 */
const connections = page ? 4 : 16;

/** The page target on a served side: catalog and rank pool seeded, the page visitors' profiles created. */
async function seedPageRun(served: ServedWorker): Promise<Target> {
  await seedDetachedRankRun(served, items);
  const visitors = pageVisitors();
  await createProfiles(served.url.origin, catalog(items), visitors);
  await sleep(3000);
  return { origin: served.url.origin, method: "GET", path: "/", bodies: null, requests: visitors.map((v) => pageView("/?cache=no", v)), label: pageLabel };
}

/** The profiled visitors (createProfiles), who send the --events loops' events. */
const eventVisitors = () => anonPool(POOL_SIZE).slice(0, Math.round(POOL_SIZE * PROFILED_SHARE));

/** POST /v1/events bodies with ids unique to `tag`: 1-5 events (what the SDK batches in its 2 s window), or `count`. */
function eventsBodies(tag: string, requests: number, seed: number, count?: number): string[] {
  const cat = catalog(items);
  const rng = createRng(seed);
  const visitors = eventVisitors();
  const now = Date.now();
  return Array.from({ length: requests }, (_, k) => {
    const req = eventsRequest(count === undefined ? rng.pick(visitors) : visitors[k % visitors.length]!, cat, rng, now - rng.int(0, 60_000), count ?? rng.int(1, 5));
    req.events = req.events.map((e, i) => ({ ...e, event_id: `${tag}-${k}-${i}` }));
    return JSON.stringify(req);
  });
}

/**
 * The --events run on a served side: the rank setup's catalog and profiles, then --history more events each. Its
 * target is the rank one (unused: eventsLoop makes each loop's own).
 */
async function seedEventsRun(served: ServedWorker): Promise<Target> {
  const target = await seedDetachedRankRun(served, items);
  const batches = Math.ceil(history / HISTORY_BATCH);
  if (batches === 0) return target;
  const bodies = eventsBodies("history", batches * eventVisitors().length, 17, HISTORY_BATCH);
  const run = await onePass({ origin: served.url.origin, method: "POST", path: "/v1/events", bodies }, 8, served.pid);
  if (run.errors > 0) throw new Error(`--history: ${run.errors} of ${bodies.length} requests failed (${JSON.stringify(run.errorKinds)})`);
  // The consumer's backlog must be gone before the first loop, or that loop pays for it: every event logged.
  const db = await served.mf.getD1Database("DB");
  const expected = eventVisitors().length * (EVENTS_PER_PROFILE + batches * HISTORY_BATCH);
  for (const until = Date.now() + 180_000; ; await sleep(500)) {
    const logged = (await db.prepare("SELECT COUNT(*) AS n FROM events").first<{ n: number }>())?.n ?? 0;
    if (logged >= expected) break;
    if (Date.now() > until) throw new Error(`--history: the consumer logged ${logged} of ${expected} events in 3 minutes`);
  }
  return target;
}

/** One --events loop: fixed rate, then the consumer's settle; CPU over both, per request answered. */
async function eventsLoop(served: ServedWorker, loop: number): Promise<LoadResult> {
  const target: Target = { origin: served.url.origin, method: "POST", path: "/v1/events", bodies: eventsBodies(`r${loop}`, Math.ceil(eventsRate * seconds), 1000 + loop) };
  const before = processCpuMs(served.pid!);
  const run = await fixedRate(target, { rate: eventsRate, durationS: seconds, connections: 16, serverPid: served.pid });
  await sleep(CONSUMER_SETTLE_MS);
  const after = processCpuMs(served.pid!);
  return { ...run, serverCpuUsPerRequest: before === null || after === null || run.ok === 0 ? null : round(((after - before) * 1000) / run.ok, 1) };
}

async function main(): Promise<void> {
  const pinning = planPinning(false, cpus().length);
  if (pinning.enabled) pin(process.pid, pinning.clientCore!);
  const { root, commit, remove: removeBase } = checkoutWorktree(base, "ab-base");
  let origin: Origin | null = null;
  let cfg = readWranglerConfig();
  if (page) {
    origin = await startOrigin(storefrontPage(catalog(items)), pinning.enabled ? pinning.clientCore : null);
    cfg = pageAuraConfig(cfg, origin.url);
  }
  const adjust = consumer || events ? undefined : withoutQueueConsumer;
  const bundles = { base: bundleWorker(root, join(WORK_DIR, "ab-bundle-base")), tree: bundleWorker(ROOT, join(WORK_DIR, "ab-bundle-tree")) };
  const served: Partial<Record<keyof typeof bundles, ServedWorker>> = {};
  const logs = { base: [] as string[], tree: [] as string[] };
  try {
    for (const side of ["base", "tree"] as const) {
      served[side] = await serveAura(bundles[side].path, freshDir(join(STATE_DIR, `ab-${side}`)), logs[side], cfg, adjust);
      if (pinning.enabled) pinServed(served[side]!, pinning.serverCore!);
    }
    const seed = (side: "base" | "tree") => {
      const worker = served[side]!;
      return (page ? seedPageRun(worker) : events ? seedEventsRun(worker) : seedDetachedRankRun(worker, items)).catch((err: unknown) => {
        const said = logs[side].filter((line) => /"level":"(error|warn)"/.test(line)).slice(-5);
        throw new Error(`${side}: ${err instanceof Error ? err.message : String(err)}${said.map((line) => `\n  ${line}`).join("")}`);
      });
    };
    const targets = { base: await seed("base"), tree: await seed("tree") };
    // Warm both (JIT, profile caches, plans) before anything counts.
    for (const side of ["base", "tree"] as const) {
      if (events) await eventsLoop(served[side]!, -1 - (side === "base" ? 0 : 1));
      else await closedLoop(targets[side], { connections, durationS: warmup, serverPid: served[side]!.pid });
    }
    const cpu = { base: [] as number[], tree: [] as number[] };
    const instructions = { base: [] as number[], tree: [] as number[] };
    const pages = { base: 0, tree: 0 };
    const unfilled = { base: 0, tree: 0 };
    for (let r = 0; r < rounds; r++) {
      // Alternate which side goes first, so neither always follows the other.
      for (const side of r % 2 === 0 ? (["base", "tree"] as const) : (["tree", "base"] as const)) {
        const counter = await countInstructions(served[side]!.pid);
        const run = events ? await eventsLoop(served[side]!, r) : await closedLoop(targets[side], { connections, durationS: seconds, serverPid: served[side]!.pid });
        const counted = await counter.stop();
        if (run.serverCpuUsPerRequest === null || run.errors > 0) throw new Error(`${side}: ${run.errors} errors, CPU ${run.serverCpuUsPerRequest}`);
        if (counted !== null) instructions[side].push(Math.round(counted / run.ok));
        if (page) {
          const filled = pagesFilled(run);
          if (filled < 0.99 * run.ok) throw new Error(`${side}: fewer than 99 % of the pages had all their slots filled: ${JSON.stringify(run.labels)}`);
          unfilled[side] += run.ok - filled;
          pages[side] += run.ok;
        }
        cpu[side].push(run.serverCpuUsPerRequest);
      }
    }
    if (events) {
      console.log(`POST /v1/events (1-5 events) with the queue consumer attached, profiles of ${EVENTS_PER_PROFILE + Math.ceil(history / HISTORY_BATCH) * HISTORY_BATCH} events before the run, ${rounds} pairs of ${seconds} s at ${eventsRate}/s, each followed by ${CONSUMER_SETTLE_MS / 1000} s for the consumer (CPU over both, per request)`);
    } else {
      const what = page ? `personalized storefront page (100 KiB, 3 slots, origin not cacheable)` : "personalized /v1/rank";
      console.log(`${what}, ${items} items, consumer ${consumer ? "attached" : "detached"}, ${rounds} pairs of ${seconds} s closed loops (${connections} connections)`);
    }
    const failedOpen = (side: keyof typeof pages) => (page ? `; pages not fully filled ${unfilled[side]} of ${pages[side]}` : "");
    const report = (unit: string, per: { base: number[]; tree: number[] }) => {
      const diffs = per.tree.map((t, i) => ((t - per.base[i]!) / per.base[i]!) * 100);
      const { mean, median: medianDiff, low, high } = pairedInterval(diffs);
      console.log(`  base ${commit}: ${per.base.join(" ")} ${unit}; median ${round(summarize(per.base).p50)}${failedOpen("base")}`);
      console.log(`  working tree: ${per.tree.join(" ")} ${unit}; median ${round(summarize(per.tree).p50)}${failedOpen("tree")}`);
      console.log(
        `  working tree vs base, per pair: mean ${round(mean)} % (95 % CI ${low === null ? "n/a" : round(low)} to ${high === null ? "n/a" : round(high)} %), median ${round(medianDiff)} %; lower in ${diffs.filter((d) => d < 0).length} of ${diffs.length} pairs`,
      );
    };
    report("µs/req", cpu);
    // Every loop counted, or the machine has no counter: then CPU time is all there is.
    if (instructions.base.length === rounds && instructions.tree.length === rounds) report("instructions/req", instructions);
    else console.log("  instructions per request: not counted (no perf, no instructions counter here, or no workerd pid)");
  } finally {
    for (const side of ["base", "tree"] as const) if (served[side]) await stopServed(served[side]!);
    origin?.close();
    removeBase();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
