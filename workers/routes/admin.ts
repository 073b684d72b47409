// /v1/admin: catalog upserts (JSON array or CSV), on-demand nightly jobs, and component health (with the jobs'
// latest runs and the drift flag).
import { Hono } from "hono";
import { desc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import * as z from "zod";
import { feedback } from "../../shared/db/schema";
import { catalogRowsFromCsv } from "../../shared/catalog/csv";
import { Item } from "../../shared/catalog/item";
import { CsvError } from "../../shared/csv/parse";
import { refreshSnapshot, snapshotStatus } from "../data/snapshot";
import { runNightly } from "../jobs/nightly";
import { latestRuns } from "../jobs/runner";
import { upsertCatalog } from "../data/catalog";
import { ApiError } from "../http/errors";
import { readBodyText, type AppEnv } from "../http/middleware";
import { featureStoreHealth, pingFeatureStore } from "../services";
import { llmSettings } from "../llm/claude";
import { pendingDeadLetters } from "../queue/dead-letters";

export const admin = new Hono<AppEnv>();

const CATALOG_BODY_LIMIT = 10 * 1024 * 1024;
const MAX_ITEMS_PER_UPSERT = 20_000;

admin.post("/catalog", async (c) => {
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json" && type !== "text/csv") {
    throw new ApiError(415, "unsupported_media_type", "content-type must be application/json (an array of items) or text/csv");
  }
  const text = await readBodyText(c, CATALOG_BODY_LIMIT);
  let rows: { ref: string; input: unknown }[];
  if (type === "text/csv") {
    try {
      rows = catalogRowsFromCsv(text).map((r) => ({ ref: `line ${r.line}`, input: r.input }));
    } catch (err) {
      if (err instanceof CsvError) throw new ApiError(400, "invalid_csv", err.message);
      throw err;
    }
  } else {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new ApiError(400, "malformed_json", "body is not valid JSON");
    }
    const list = Array.isArray(raw) ? raw : z.object({ items: z.array(z.unknown()) }).safeParse(raw).data?.items;
    if (!list) throw new ApiError(400, "invalid_request", "body must be an array of items or {\"items\": [...]}");
    rows = list.map((input, k) => ({ ref: `items.${k}`, input }));
  }
  if (rows.length === 0) throw new ApiError(400, "invalid_request", "no items in the body");
  if (rows.length > MAX_ITEMS_PER_UPSERT) throw new ApiError(413, "payload_too_large", `at most ${MAX_ITEMS_PER_UPSERT} items per call`);

  // All or nothing: one invalid item rejects the call, so a catalog is never half-updated.
  const valid: Item[] = [];
  const details: { field: string; message: string }[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    let parsed: ReturnType<typeof Item.safeParse>;
    try {
      parsed = Item.safeParse(row.input);
    } catch {
      parsed = { success: false, error: new z.ZodError([{ code: "custom", path: [], message: "a value of the wrong type", input: row.input }]) } as ReturnType<typeof Item.safeParse>;
    }
    if (!parsed.success) {
      for (const issue of parsed.error.issues.slice(0, 3)) details.push({ field: `${row.ref}.${issue.path.join(".")}`, message: issue.message });
    } else if (seen.has(parsed.data.id)) {
      details.push({ field: `${row.ref}.id`, message: `duplicate id ${parsed.data.id} in this upload` });
    } else {
      seen.add(parsed.data.id);
      valid.push(parsed.data);
    }
  }
  if (details.length > 0) {
    throw new ApiError(400, "invalid_request", `${details.length} problem(s) in the items; nothing was written`, details.slice(0, 50));
  }
  const version = await upsertCatalog(c.env.DB, valid, new Date());
  await refreshSnapshot(c.env);
  return c.json({ upserted: valid.length, catalog_version: version });
});

/** Feedback by status (e.g. the rejected ones, with their reasons), newest first. */
admin.get("/feedback", async (c) => {
  const status = z.enum(["applied", "recorded", "rejected"]).safeParse(c.req.query("status") ?? "rejected");
  if (!status.success) throw new ApiError(400, "invalid_request", "status must be applied, recorded or rejected");
  const limit = Math.min(500, Math.max(1, Math.floor(Number(c.req.query("limit") ?? "100")) || 100));
  const rows = await drizzle(c.env.DB).select().from(feedback).where(eq(feedback.status, status.data)).orderBy(desc(feedback.receivedAt)).limit(limit);
  return c.json({
    feedback: rows.map((r) => ({
      feedback_id: r.id, request_id: r.requestId, item_id: r.itemId, reward_type: r.rewardType, value: r.value,
      status: r.status, reason: r.reason, experiment_id: r.experimentId, arm: r.arm, received_at: r.receivedAt,
    })),
  });
});

async function timed<T>(probe: () => Promise<T>): Promise<{ status: "ok" | "down"; latency_ms: number; error?: string }> {
  const started = performance.now();
  try {
    await probe();
    return { status: "ok", latency_ms: Math.round((performance.now() - started) * 100) / 100 };
  } catch (err) {
    return { status: "down", latency_ms: Math.round((performance.now() - started) * 100) / 100, error: err instanceof Error ? err.name : "error" };
  }
}

/** Runs the nightly jobs now, under a key of its own (the night's runs are not affected). */
admin.post("/segments/retrain", async (c) => {
  const runKey = `manual:${new Date().toISOString()}`;
  const results = await runNightly(c.env, runKey);
  const failed = results.some((r) => r.status === "failed");
  return c.json({ run_key: runKey, status: failed ? "failed" : "succeeded", jobs: results });
});

admin.get("/health", async (c) => {
  const [d1, durableObjects, store] = await Promise.all([
    timed(() => c.env.DB.prepare("SELECT 1").first()),
    timed(() => c.env.VISITOR_PROFILES.get(c.env.VISITOR_PROFILES.idFromName("__health__")).ping()),
    timed(() => pingFeatureStore(c.env)),
  ]);
  const storeHealth = featureStoreHealth(c.env);
  const llm = llmSettings(c.env);
  const snapshot = snapshotStatus();
  // Nightly jobs: each one's latest run; a drift flag from the latest drift check.
  const [runs, deadLetters] = await Promise.all([latestRuns(drizzle(c.env.DB)).catch(() => null), pendingDeadLetters(c.env.DB).catch(() => null)]);
  const drift = runs?.find((r) => r.job === "drift");
  const components = {
    d1,
    durable_objects: durableObjects,
    // Producers cannot be probed without sending; a bound queue is reported as configured.
    queue: { status: c.env.EVENTS_QUEUE ? "configured" : "missing" },
    // The store's own round trip and its circuit breaker (open: ranking is cold start, events are retried).
    feature_store: { status: store.status === "ok" && storeHealth.breaker.state === "closed" ? "ok" : "degraded", implementation: storeHealth.implementation, latency_ms: store.latency_ms, breaker: storeHealth.breaker },
    // Not probed (a call costs money): configured or not, and the model in use.
    llm_provider: llm ? { status: "configured", model: llm.model } : { status: "not_configured", note: "template generator and rule-based assistant in use until ANTHROPIC_API_KEY is set" },
    snapshot: { status: snapshot.version ? "ok" : "not_loaded", ...snapshot },
    jobs:
      runs === null
        ? { status: "unknown" }
        : {
            status: runs.some((r) => r.status === "failed") ? "failing" : "ok",
            runs: runs.map((r) => ({ job: r.job, run_key: r.runKey, status: r.status, attempts: r.attempts, started_at: r.startedAt, duration_ms: r.durationMs, outcome: r.outcome, error: r.error })),
          },
    // Accepted messages every delivery failed on, waiting in D1 for POST /v1/admin/dead-letters/replay.
    dead_letters: deadLetters === null ? { status: "unknown" } : { status: deadLetters.pending > 0 ? "attention" : "ok", ...deadLetters },
    drift: drift?.outcome ? { flag: drift.outcome.drift === true, checked_at: drift.finishedAt, checks: drift.outcome.checks } : { flag: false, checked_at: null },
  };
  const degraded = d1.status !== "ok" || durableObjects.status !== "ok";
  return c.json({ status: degraded ? "degraded" : "ok", components }, degraded ? 503 : 200);
});
