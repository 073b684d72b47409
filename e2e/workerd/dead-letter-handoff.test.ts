// The queue's hand-off to the dead-letter queue, end to end: the bundle a deploy uploads, served by workerd with
// wrangler.toml's queue settings (bench/server.ts reads them), where the Workers test pool cannot go. There, tests
// hand batches to the queue handler themselves (workers/queue/*.integration.test.ts); here Miniflare's queue
// broker delivers them, honours the consumer's retry delays, counts the attempts against max_retries, and moves
// what is still failing to the dead-letter queue, whose consumer parks it in D1.
//
// The fault: the D1 table the consumer writes events to is away (renamed), so every delivery of an accepted
// events message fails, as in an outage that outlasts the queue's retries (five, two seconds doubling: about a
// minute). The message must end up parked, not dropped, and a replay after the outage must store its events.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRng } from "../../shared/catalog/prng";
import { syntheticCatalog } from "../../shared/catalog/synthetic";
import { eventsRequest } from "../../bench/fixtures";
import { BENCH_SECRETS, bundleWorker, freshDir, readWranglerConfig, serveAura, stopServed, WORK_DIR, type ServedWorker } from "../../bench/server";
import { migrate, seedCatalog } from "../../bench/workload";
import { until } from "../until";

const STATE_DIR = join(WORK_DIR, "e2e-dead-letters");
const BUNDLE_OUT = join(WORK_DIR, "e2e-dead-letters-bundle");
const EVENTS = 6;
const admin = { authorization: `Bearer ${BENCH_SECRETS.ADMIN_API_KEY}` };

interface DeadLetterList {
  pending: number;
  dead_letters: { id: number; queue: string; kind: string | null; body: unknown; replayed_at: string | null }[];
}

let served: ServedWorker;
let db: Awaited<ReturnType<ServedWorker["mf"]["getD1Database"]>>;
const logs: string[] = [];

beforeAll(async () => {
  const bundle = bundleWorker(undefined, BUNDLE_OUT);
  served = await serveAura(bundle.path, freshDir(STATE_DIR), logs);
  db = await served.mf.getD1Database("DB");
  await migrate(db);
  await seedCatalog(db, syntheticCatalog(50), "e2e-dead-letters");
}, 120_000);

afterAll(async () => {
  if (served) await stopServed(served);
  rmSync(STATE_DIR, { recursive: true, force: true });
  rmSync(BUNDLE_OUT, { recursive: true, force: true });
});

async function deadLetters(): Promise<DeadLetterList> {
  const res = await fetch(`${served.url.origin}/v1/admin/dead-letters?state=all`, { headers: admin });
  expect(res.status).toBe(200);
  return (await res.json()) as DeadLetterList;
}

const count = async (table: string) => (await db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first<{ n: number }>())?.n ?? 0;

describe("an accepted events message whose every delivery fails", () => {
  it("is moved to the dead-letter queue after max_retries, parked in D1, and stored by a replay", { timeout: 240_000 }, async () => {
    const [main, deadLetterQueue] = readWranglerConfig().queueConsumers;
    expect(main?.maxRetries).toBe(5);
    expect(main?.deadLetterQueue).toBe(deadLetterQueue?.queue);
    await db.prepare("ALTER TABLE events RENAME TO events_away").run();

    const anonId = "anon_dead_letter_handoff";
    const body = eventsRequest(anonId, syntheticCatalog(50), createRng(7), Date.now() - 60_000, EVENTS);
    const accepted = await fetch(`${served.url.origin}/v1/events`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    expect(accepted.status).toBe(202);
    const sentAt = Date.now();

    const parked = await until(
      async () => (await deadLetters()).dead_letters.find((d) => d.kind === "events" && (d.body as { anon_id?: unknown }).anon_id === anonId) ?? null,
      180_000,
      "the dead letter parked",
    );
    const waitedMs = Date.now() - sentAt;
    // Stored by the dead-letter queue's consumer: the Worker told that batch from the main queue's by its name.
    expect(parked.queue).toBe(deadLetterQueue?.queue);
    expect(parked.replayed_at).toBeNull();
    // Parked only after the retries' delays (2 + 4 + 8 + 16 + 32 s): not dropped early, not given up on at once.
    expect(waitedMs).toBeGreaterThan(55_000);
    // Nothing reached the events table on the way (the consumer could not write it, and did not write elsewhere).
    expect(await count("events_away")).toBe(0);
    expect(logs.some((l) => l.includes("events_away") || l.includes("no such table: events"))).toBe(true);

    // The outage ends; an admin replays the parked message onto the main queue, whose consumer now stores it.
    await db.prepare("ALTER TABLE events_away RENAME TO events").run();
    const replay = await fetch(`${served.url.origin}/v1/admin/dead-letters/replay`, { method: "POST", headers: { ...admin, "content-type": "application/json" }, body: JSON.stringify({ ids: [parked.id] }) });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toMatchObject({ replayed: 1 });
    await until(async () => (await count("events")) === EVENTS, 30_000, "the replayed events stored");
    const after = await deadLetters();
    expect(after.pending).toBe(0);
    expect(after.dead_letters.find((d) => d.id === parked.id)?.replayed_at).not.toBeNull();
  });
});
