// /v1/admin/dead-letters: the messages the queue gave up on, stored by the dead-letter queue's consumer, and
// their replay onto the main queue once the outage is over (workers/queue/dead-letters.ts).
import { Hono } from "hono";
import * as z from "zod";
import { listDeadLetters, MAX_REPLAY_IDS, pendingDeadLetters, replayDeadLetters } from "../queue/dead-letters";
import { ApiError } from "../http/errors";
import { readJson, readQuery, type AppEnv } from "../http/middleware";

export const deadLettersRouter = new Hono<AppEnv>();

export const DeadLettersQuery = z.strictObject({
  state: z.enum(["pending", "replayed", "all"]).default("pending"),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** Oldest first, with their bodies: what an operator reads before replaying. */
deadLettersRouter.get("/", async (c) => {
  const query = readQuery(c, DeadLettersQuery);
  const [summary, rows] = await Promise.all([pendingDeadLetters(c.env.DB), listDeadLetters(c.env.DB, query.state, query.limit)]);
  return c.json({ ...summary, dead_letters: rows });
});

export const ReplayBody = z.strictObject({
  ids: z.array(z.number().int().positive()).min(1).max(MAX_REPLAY_IDS).optional(),
  limit: z.number().int().min(1).max(1000).default(100),
});

/** Replays the oldest pending dead letters (or those named), up to `limit`. No body: the oldest 100. */
deadLettersRouter.post("/replay", async (c) => {
  const noBody = c.req.header("content-type") === undefined && (c.req.header("content-length") ?? "0") === "0";
  const selection = noBody ? ReplayBody.parse({}) : await readJson(c, ReplayBody);
  const outcome = await replayDeadLetters(c.env, selection);
  if (outcome.replayed === 0 && outcome.failed) throw new ApiError(503, "queue_unavailable", outcome.failed.error);
  const summary = await pendingDeadLetters(c.env.DB).catch(() => null);
  return c.json({ replayed: outcome.replayed, pending: summary?.pending ?? null, failed: outcome.failed });
});
