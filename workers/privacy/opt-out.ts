// Opt-outs (POST /v1/users/:id/opt-out) and the checks that honour them on every path that could personalize,
// track or include a visitor in a campaign.
//
// Where the flag lives: every isolate holds the opted-out visitors as a set of salted hashes, read from D1 once
// and then topped up in the background (stale-while-revalidate, like the catalog snapshot). The check on /v1/rank
// is a Set lookup after one (cached) HMAC, and no lookup at all while nobody has opted out: no D1 query and no
// extra Durable Object call on the hot path. The profile Durable Object would be the other home, but /v1/rank
// reads it only with personalization consent and /v1/events not at all without it, so the flag would cost a
// round trip exactly where none is paid today. The price of the set is staleness: an isolate other than the one
// that recorded the opt-out honours it within OPT_OUT_REFRESH_SECONDS, and memory: about 100 bytes a visitor, so
// a few hundred thousand opt-outs fit comfortably in an isolate (a Bloom filter in front would take it further).
import { waitUntil as runtimeWaitUntil } from "cloudflare:workers";
import type { UploadSummary } from "../../shared/campaigns/upload";
import { hashVisitorId } from "../../shared/privacy";
import { cachedVisitorHash } from "./visitor-hash";

type WaitUntil = Pick<ExecutionContext, "waitUntil">;

/** The consents that let aura use or keep anything about a visitor; an opted-out visitor has none of them. */
const PERSONAL_CONSENTS: ReadonlySet<string> = new Set(["analytics", "personalization", "marketing"]);

/** Rows per D1 read: a first load of a large table comes in pages, each well under D1's response limits. */
const PAGE = 5_000;
/**
 * Each top-up re-reads this far behind the newest row it has seen: a row stamped by one machine's clock and
 * committed a moment after a later-stamped one is still picked up (the set ignores the repeats).
 */
const OVERLAP_MS = 60_000;

interface OptOutSet {
  hashes: Set<string>;
  /** opted_out_at of the newest row read so far ("" before any). */
  newest: string;
  loadedAt: number;
}

let current: OptOutSet | null = null;
let loading: Promise<OptOutSet> | null = null;
let lastError: string | null = null;

/** This isolate could not read the opt-outs even once: callers fail closed (nothing personal is used or kept). */
export class OptOutsUnavailable extends Error {
  override readonly name = "OptOutsUnavailable";
}

async function readSince(db: D1Database, since: string, into: Set<string>): Promise<string> {
  let after: [string, string] = [since, ""];
  let newest = since;
  for (;;) {
    const { results } = await db
      .prepare("SELECT visitor_hash, opted_out_at FROM opt_outs WHERE (opted_out_at, visitor_hash) > (?, ?) ORDER BY opted_out_at, visitor_hash LIMIT ?")
      .bind(after[0], after[1], PAGE)
      .all<{ visitor_hash: string; opted_out_at: string }>();
    for (const row of results) into.add(row.visitor_hash);
    const last = results.at(-1);
    if (last) {
      after = [last.opted_out_at, last.visitor_hash];
      if (last.opted_out_at > newest) newest = last.opted_out_at;
    }
    if (results.length < PAGE) return newest;
  }
}

async function track(job: () => Promise<OptOutSet>): Promise<OptOutSet> {
  try {
    const set = await job();
    current = set;
    lastError = null;
    return set;
  } catch (err) {
    lastError = err instanceof Error ? err.message : String(err);
    throw err;
  } finally {
    loading = null;
  }
}

async function loadAll(env: Env): Promise<OptOutSet> {
  const hashes = new Set<string>();
  const newest = await readSince(env.DB, "", hashes);
  return { hashes, newest, loadedAt: Date.now() };
}

async function topUp(env: Env, previous: OptOutSet): Promise<OptOutSet> {
  const since = previous.newest ? new Date(Date.parse(previous.newest) - OVERLAP_MS).toISOString() : "";
  // Added to the live set in place: a request never sees a set smaller than the one before.
  const newest = await readSince(env.DB, since, previous.hashes);
  if (newest > previous.newest) previous.newest = newest;
  previous.loadedAt = Date.now();
  return previous;
}

function refreshMs(env: Env): number {
  const seconds = Number(env.OPT_OUT_REFRESH_SECONDS);
  return (Number.isFinite(seconds) && seconds >= 0 ? seconds : 5) * 1000;
}

/** The isolate's set: awaited from D1 only by an isolate's first caller, then served from memory. */
async function optOutSet(env: Env, ctx: WaitUntil | undefined): Promise<Set<string>> {
  if (current) {
    if (Date.now() - current.loadedAt > refreshMs(env) && !loading) {
      const previous = current;
      loading = track(() => topUp(env, previous));
      // A failed top-up keeps serving what this isolate already knows; the next request tries again.
      background(ctx, loading.catch(() => undefined));
    }
    return current.hashes;
  }
  if (!loading) {
    loading = track(() => loadAll(env));
    // The first load outlives the request that started it (a page stops waiting at its decision budget; see
    // getSnapshot): a request that ends first must not leave the isolate without the set.
    background(ctx, loading.catch(() => undefined));
  }
  try {
    return (await loading).hashes;
  } catch (err) {
    throw new OptOutsUnavailable(`opt-outs could not be read: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Keeps background work alive past the response: the caller's context, else the runtime's (readProfile has none). */
function background(ctx: WaitUntil | undefined, work: Promise<unknown>): void {
  if (ctx) ctx.waitUntil(work);
  else runtimeWaitUntil(work);
}

/**
 * Whether the visitor (anon id, or a shop's customer id) opted out. Throws OptOutsUnavailable when this isolate
 * has never been able to read the list.
 */
export async function isOptedOut(env: Env, ctx: WaitUntil | undefined, anonId: string): Promise<boolean> {
  const hashes = await optOutSet(env, ctx);
  if (hashes.size === 0) return false;
  return hashes.has(await cachedVisitorHash(env.VISITOR_ID_SALT, anonId));
}

export interface GuardedConsent {
  /** The consent the request may act on: without analytics, personalization and marketing when opted out. */
  consent: string[];
  /** Opted out, or unknown because the list could not be read (then treated as opted out: fail closed). */
  optedOut: boolean;
}

/** The request's consent with everything personal removed. */
export function withoutPersonalConsent(consent: readonly string[]): string[] {
  return consent.filter((c) => !PERSONAL_CONSENTS.has(c));
}

/**
 * The consent a request may act on. An opted-out visitor is served as one who gave no analytics, personalization
 * or marketing consent; a request that carries none of those needs no check at all.
 */
export async function optOutGuard(env: Env, ctx: WaitUntil | undefined, anonId: string, consent: readonly string[]): Promise<GuardedConsent> {
  if (!consent.some((c) => PERSONAL_CONSENTS.has(c))) return { consent: [...consent], optedOut: false };
  let optedOut: boolean;
  try {
    optedOut = await isOptedOut(env, ctx, anonId);
  } catch (err) {
    // Without the list, personalizing could ignore someone's opt-out; not personalizing only costs relevance.
    console.warn(JSON.stringify({ level: "warn", opt_outs: err instanceof Error ? err.message : String(err) }));
    optedOut = true;
  }
  return optedOut ? { consent: withoutPersonalConsent(consent), optedOut: true } : { consent: [...consent], optedOut: false };
}

/** After recording an opt-out: this isolate honours it at once, without waiting for its next top-up. */
export function rememberOptOut(visitorHash: string): void {
  current?.hashes.add(visitorHash);
}

/** Reads whatever is new now (admin paths, where a D1 read is fine and an opt-out from a moment ago must count). */
export async function refreshOptOuts(env: Env): Promise<Set<string>> {
  if (!current) return optOutSet(env, undefined);
  const previous = current;
  // A top-up already in flight started at most a round trip ago: waiting for it is as fresh as starting another.
  loading ??= track(() => topUp(env, previous));
  try {
    await loading;
  } catch (err) {
    throw new OptOutsUnavailable(`opt-outs could not be read: ${err instanceof Error ? err.message : String(err)}`);
  }
  return previous.hashes;
}

/** Hashes per round of the upload filter: enough to overlap the HMACs, few enough to keep memory flat. */
const HASH_CHUNK = 1_000;
/** The upload reader reports at most this many rejected rows (the rest only count); opted-out rows join them. */
const MAX_REJECTED_REPORTED = 1_000;

/**
 * A campaign upload without its opted-out customers. Each is reported as a rejected row "opted out" with line 0
 * (the customer, not a line: an orders upload spreads one over many) and without the id, because the rejected
 * rows are stored with the campaign and an opted-out customer's id must not be kept again.
 */
export async function dropOptedOutCustomers(env: Env, summary: UploadSummary): Promise<UploadSummary> {
  const hashes = await refreshOptOuts(env);
  if (hashes.size === 0) return summary;
  const kept: UploadSummary["customers"] = [];
  let dropped = 0;
  for (let i = 0; i < summary.customers.length; i += HASH_CHUNK) {
    const chunk = summary.customers.slice(i, i + HASH_CHUNK);
    // Uncached: a 100,000-customer upload would only flush the request path's cache of recent visitors.
    const chunkHashes = await Promise.all(chunk.map((c) => hashVisitorId(env.VISITOR_ID_SALT, c.customer_id)));
    chunk.forEach((customer, k) => {
      if (hashes.has(chunkHashes[k]!)) dropped++;
      else kept.push(customer);
    });
  }
  if (dropped === 0) return summary;
  return {
    ...summary,
    customers: kept,
    rejected: [...summary.rejected, ...Array.from({ length: Math.min(dropped, Math.max(0, MAX_REJECTED_REPORTED - summary.rejected.length)) }, () => ({ line: 0, reason: "opted out" }))],
    rejected_total: summary.rejected_total + dropped,
  };
}

/** For /v1/admin/health and tests: how many opt-outs this isolate knows, how old its copy is, the last error. */
export function optOutStatus(): { known: number; age_ms: number | null; last_error: string | null } {
  return { known: current?.hashes.size ?? 0, age_ms: current ? Date.now() - current.loadedAt : null, last_error: lastError };
}
