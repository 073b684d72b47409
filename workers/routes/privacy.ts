// DELETE /v1/users/:user_id erases what aura holds about a visitor; POST /v1/users/:user_id/opt-out records that
// they want no personalization, tracking or campaign inclusion from now on, and erases them too. Both answer with
// a receipt of what was removed and leave an audit row that names the visitor only by their salted hash.
import { Hono } from "hono";
import { UserId } from "../../shared/api/schemas";
import { withTimeout } from "../../shared/profile/feature-store";
import { hashVisitorId } from "../../shared/privacy";
import { ApiError, invalidRequest } from "../http/errors";
import type { AppEnv } from "../http/middleware";
import { rememberOptOut } from "../privacy/opt-out";
import { featureStore } from "../services";

export const privacyRouter = new Hono<AppEnv>();

/** An erasure waits this long for the profile's Durable Object; past it the caller is told to retry. */
const PROFILE_ERASE_TIMEOUT_MS = 5_000;

/**
 * Every D1 row that belongs to one visitor, and how to find it. Logs, assignments and decisions are keyed by the
 * salted hash. Campaign rows are matched on the raw id: campaigns are uploaded with the shop's own customer ids,
 * which is what the caller names here, and aura never sees them hashed. Feedback is removed with its decisions:
 * it says what the visitor clicked, bought and how long they read. Messages the consumer could not process are
 * kept verbatim and may carry the raw anon id. Bandit counts (reward_ledger, BanditShard) stay: they are sums per
 * arm and segment with no identity. Order matters: feedback is found through its decisions, so it goes first.
 * Each condition takes one parameter, `by`: the hash, the raw id, or the id as a stored message spells it.
 */
const TARGETS = [
  { table: "events", by: "hash", where: (p: string) => `visitor_hash = ${p}` },
  { table: "segment_assignments", by: "hash", where: (p: string) => `visitor_hash = ${p}` },
  { table: "customer_segments", by: "hash", where: (p: string) => `visitor_hash = ${p}` },
  { table: "feedback", by: "hash", where: (p: string) => `request_id IN (SELECT request_id FROM decisions WHERE visitor_hash = ${p})` },
  { table: "decisions", by: "hash", where: (p: string) => `visitor_hash = ${p}` },
  { table: "campaign_customers", by: "id", where: (p: string) => `customer_id = ${p}` },
  { table: "campaign_results", by: "id", where: (p: string) => `customer_id = ${p}` },
  { table: "rejected_messages", by: "message", where: (p: string) => `instr(body, ${p}) > 0` },
  { table: "dead_letters", by: "message", where: (p: string) => `instr(body, ${p}) > 0` },
] as const;

/** The audit statement's numbered parameters for each kind of key (?4 onwards are the row's own fields). */
const AUDIT_PARAM = { hash: "?1", id: "?2", message: "?3" } as const;

type ErasedTable = (typeof TARGETS)[number]["table"];
export type ErasureCounts = Record<ErasedTable, number> & { profile: boolean };

export interface ErasureReceipt {
  user_id: string;
  erased: ErasureCounts;
  at: string;
}

// The audit row's counts are taken inside the same transaction, just before the deletes: they are what was removed.
const AUDIT_SQL = `INSERT INTO erasure_log (id, visitor_hash, kind, requested_at, counts, actor) VALUES (?4, ?1, ?5, ?6, json_object(${TARGETS.map(
  (t) => `'${t.table}', (SELECT count(*) FROM ${t.table} WHERE ${t.where(AUDIT_PARAM[t.by])})`,
).join(", ")}, 'profile', json(?7)), 'admin')`;

function parseUserId(raw: string): string {
  const parsed = UserId.safeParse(raw);
  if (!parsed.success) throw invalidRequest(parsed.error, "user id");
  return parsed.data;
}

function newErasureId(): string {
  return `er_${[...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/**
 * Erases the profile, then every D1 row and the audit row in one transaction: a failure leaves the rows and no
 * audit row, and the caller retries (an erasure is idempotent; a repeat finds nothing and says so).
 */
async function eraseVisitor(env: Env, userId: string, visitorHash: string, kind: "erasure" | "opt_out"): Promise<ErasureReceipt> {
  let profile: boolean;
  try {
    profile = await withTimeout(featureStore(env).erase(userId), PROFILE_ERASE_TIMEOUT_MS);
  } catch {
    throw new ApiError(503, "feature_store_unavailable", "the visitor's profile could not be erased; nothing else was erased, retry", undefined, { "retry-after": "5" });
  }
  const at = new Date().toISOString();
  // How a raw anon id appears in a stored queue message body (JSON.stringify, no spaces).
  const inMessage = `"anon_id":${JSON.stringify(userId)}`;
  const params = { hash: visitorHash, id: userId, message: inMessage };
  let results: D1Result[];
  try {
    results = await env.DB.batch([
      env.DB.prepare(AUDIT_SQL).bind(visitorHash, userId, inMessage, newErasureId(), kind, at, JSON.stringify(profile)),
      ...TARGETS.map((t) => env.DB.prepare(`DELETE FROM ${t.table} WHERE ${t.where("?")}`).bind(params[t.by])),
    ]);
  } catch (err) {
    console.error(JSON.stringify({ level: "error", erasure: kind, visitor_hash: visitorHash, error: err instanceof Error ? err.message : String(err) }));
    throw new ApiError(503, "database_unavailable", "the erasure could not be completed; the profile is gone, retry to erase the rest", undefined, { "retry-after": "5" });
  }
  const erased = { profile } as ErasureCounts;
  TARGETS.forEach((t, i) => {
    erased[t.table] = results[i + 1]?.meta.changes ?? 0;
  });
  return { user_id: userId, erased, at };
}

privacyRouter.delete("/:user_id", async (c) => {
  const userId = parseUserId(c.req.param("user_id"));
  const visitorHash = await hashVisitorId(c.env.VISITOR_ID_SALT, userId);
  return c.json(await eraseVisitor(c.env, userId, visitorHash, "erasure"));
});

privacyRouter.post("/:user_id/opt-out", async (c) => {
  const userId = parseUserId(c.req.param("user_id"));
  const visitorHash = await hashVisitorId(c.env.VISITOR_ID_SALT, userId);
  // Recorded before anything is erased, so nothing can be stored again in between; this isolate honours it now,
  // the others at their next background read.
  await c.env.DB.prepare("INSERT INTO opt_outs (visitor_hash, opted_out_at) VALUES (?, ?) ON CONFLICT (visitor_hash) DO NOTHING").bind(visitorHash, new Date().toISOString()).run();
  rememberOptOut(visitorHash);
  const receipt = await eraseVisitor(c.env, userId, visitorHash, "opt_out");
  return c.json({ user_id: userId, opted_out: true, erased: receipt.erased, at: receipt.at });
});
