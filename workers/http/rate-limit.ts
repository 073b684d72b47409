// Rate limits on the public endpoints, per client IP and per visitor, answered 429 in the contract's error shape
// with `retry-after`. The counters are the Workers Rate Limiting binding's ([[ratelimits]] in wrangler.toml):
// shared by every isolate in a Cloudflare location and checked without a storage round trip, where per-isolate
// buckets would multiply every limit by the number of isolates and a Durable Object per key would put a network
// hop on every /v1/rank. Counting is per location and eventually consistent, so a burst may pass a little over
// the limit: this is abuse resistance, not billing.
//
// Keys: the IP is turned into an HMAC with the visitor salt before it leaves this function (never stored, never
// logged); the visitor is their salted hash. Per visitor matters even though anon ids are chosen by the client:
// it stops one visitor's profile object from being flooded (events poisoning a profile, or a hot Durable Object).
import type { Context, MiddlewareHandler } from "hono";
import * as z from "zod";
import { safeParseFast } from "../../shared/api/conforms";
import { cachedVisitorHash } from "../privacy/visitor-hash";
import { ApiError } from "./errors";
import { PUBLIC_BODY_LIMIT, readJsonValue, type AppEnv } from "./middleware";

/** The `period` of every [[ratelimits]] binding in wrangler.toml; the binding cannot be asked for it. */
export const RATE_LIMIT_PERIOD_SECONDS = 60;

type LimiterName = { [K in keyof Env]: Env[K] extends RateLimit ? K : never }[keyof Env];

interface EndpointLimits {
  ip: LimiterName;
  unit: {
    limiter: LimiterName;
    /** What the unit is, for the 429 message. */
    what: string;
    /** Where the JSON body names the unit (validated, since the body is the client's). */
    of: (body: unknown) => string | null;
    /** Anon ids are identities and are hashed; request ids are random and say nothing about anyone. */
    hashed: boolean;
  };
}

const Id = z.string().min(1).max(128);
const InUserCtx = z.looseObject({ user_ctx: z.looseObject({ anon_id: Id }) });
const AnonAtTop = z.looseObject({ anon_id: Id });
const QuotedDecision = z.looseObject({ request_id: Id });

const anonInUserCtx = (body: unknown) => safeParseFast(InUserCtx, body).data?.user_ctx.anon_id ?? null;

export const RATE_LIMITED_ENDPOINTS: Readonly<Record<string, EndpointLimits>> = {
  "/v1/rank": { ip: "RATE_LIMIT_RANK_IP", unit: { limiter: "RATE_LIMIT_RANK_ANON", what: "visitor", of: anonInUserCtx, hashed: true } },
  "/v1/events": { ip: "RATE_LIMIT_EVENTS_IP", unit: { limiter: "RATE_LIMIT_EVENTS_ANON", what: "visitor", of: (b) => safeParseFast(AnonAtTop, b).data?.anon_id ?? null, hashed: true } },
  // Feedback names no visitor; its unit is the decision it quotes, which also bounds how hard one decision can
  // be pushed (reward poisoning is refused downstream anyway, but never at the price of a flood).
  "/v1/feedback": { ip: "RATE_LIMIT_FEEDBACK_IP", unit: { limiter: "RATE_LIMIT_FEEDBACK_DECISION", what: "decision", of: (b) => safeParseFast(QuotedDecision, b).data?.request_id ?? null, hashed: false } },
  "/v1/assistant": { ip: "RATE_LIMIT_ASSISTANT_IP", unit: { limiter: "RATE_LIMIT_ASSISTANT_ANON", what: "visitor", of: anonInUserCtx, hashed: true } },
};

/** "/v1/rank/" and "/v1/rank" are one route to the router, so they share a counter. */
export function endpointOf(path: string): string {
  return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
}

const missingWarned = new Set<string>();

/** One counter check; a missing binding or a failing one lets the request through (the WAF is the backstop). */
async function withinLimit(env: Env, name: LimiterName, key: string): Promise<boolean> {
  const limiter = env[name] as RateLimit | undefined;
  if (!limiter) {
    // A deployment without the binding (a Miniflare setup that did not copy [[ratelimits]]) is not limited; say so once.
    if (!missingWarned.has(name)) {
      missingWarned.add(name);
      console.warn(JSON.stringify({ level: "warn", rate_limit: `binding ${name} is not configured; requests are not limited` }));
    }
    return true;
  }
  try {
    return (await limiter.limit({ key })).success;
  } catch (err) {
    console.warn(JSON.stringify({ level: "warn", rate_limit: name, error: err instanceof Error ? err.message : String(err) }));
    return true;
  }
}

/**
 * The unit (anon id or request id) the body names. The body is read and parsed once for the whole request
 * (readJsonValue), so the route gets the same read, not a second copy. Anything the route will refuse anyway
 * (not JSON, too large, malformed) has no unit: the IP limit still counted it, and the route answers the error.
 */
async function unitFromBody(c: Context<AppEnv>, of: (body: unknown) => string | null): Promise<string | null> {
  if (!(c.req.header("content-type") ?? "").toLowerCase().startsWith("application/json")) return null;
  // A body over the limit fails the read itself (413 by content-length, or while streaming): no unit.
  try {
    return of(await readJsonValue(c, PUBLIC_BODY_LIMIT));
  } catch {
    return null;
  }
}

function rateLimited(what: string): ApiError {
  return new ApiError(429, "rate_limited", `too many requests from this ${what}; retry after ${RATE_LIMIT_PERIOD_SECONDS} s`, undefined, {
    "retry-after": String(RATE_LIMIT_PERIOD_SECONDS),
  });
}

/** Limits the public endpoints (RATE_LIMITED_ENDPOINTS); every other path passes untouched. */
export function publicRateLimit(): MiddlewareHandler<AppEnv> {
  return async function publicRateLimitMiddleware(c, next) {
    const limits = RATE_LIMITED_ENDPOINTS[endpointOf(c.req.path)];
    // Preflights are answered by the CORS middleware and cached by browsers: they are not traffic to limit.
    if (!limits || c.req.method === "OPTIONS") return next();
    // Set by Cloudflare's edge on every request (and by `wrangler dev`); absent only when a test or a direct
    // socket calls the Worker, which has no client address to count.
    const ip = c.req.header("cf-connecting-ip");
    // Addresses repeat like visitors do: one HMAC per address per isolate (the same key as an uncached hash).
    if (ip && !(await withinLimit(c.env, limits.ip, await cachedVisitorHash(c.env.VISITOR_ID_SALT, `ip:${ip}`)))) throw rateLimited("address");
    // The body is read only where a per-visitor counter is bound (the route then reuses that read).
    const unit = c.env[limits.unit.limiter] ? await unitFromBody(c, limits.unit.of) : null;
    if (unit !== null) {
      const key = limits.unit.hashed ? await cachedVisitorHash(c.env.VISITOR_ID_SALT, unit) : unit;
      if (!(await withinLimit(c.env, limits.unit.limiter, key))) throw rateLimited(limits.unit.what);
    }
    await next();
  };
}
