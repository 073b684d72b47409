// POST /v1/events: clickstream from the storefront. Accepted means durably queued: the queue consumer logs
// every event to D1 and (with personalization consent) folds it into the visitor's profile.
import { Hono } from "hono";
import { EventsRequest } from "../../shared/api/schemas";
import type { EventsMessage } from "../../shared/api/messages";
import { toIncomingEvents } from "../../shared/profile/events";
import { withTimeout } from "../../shared/profile/feature-store";
import { resolveDevice } from "../../shared/persona/signals";
import { ApiError } from "../http/errors";
import { hostnameOf, readJson, type AppEnv } from "../http/middleware";
import { isOptedOut, OptOutsUnavailable } from "../privacy/opt-out";
import { ANSWER_BACKOFF_MS, sendWithRetry } from "../queue/send";
import { featureStore } from "../services";

export const events = new Hono<AppEnv>();

/** Events stamped further ahead than this are clock errors, not data. */
const MAX_FUTURE_MS = 24 * 3_600_000;

events.post("/", async (c) => {
  const req = await readJson(c, EventsRequest);
  if (!req.consent.includes("analytics")) {
    throw new ApiError(403, "consent_required", "storing events needs analytics consent; nothing was stored");
  }
  // An opted-out visitor gets the very same answer as one without analytics consent (nothing says they opted out);
  // if the opt-out list cannot be read, nothing is stored either, and the SDK retries later.
  const optedOut = await isOptedOut(c.env, c.executionCtx, req.anon_id).catch((err: unknown) => {
    if (err instanceof OptOutsUnavailable) throw new ApiError(503, "opt_outs_unavailable", "events could not be checked against opt-outs; nothing was stored, retry later", undefined, { "retry-after": "5" });
    throw err;
  });
  if (optedOut) throw new ApiError(403, "consent_required", "storing events needs analytics consent; nothing was stored");
  const now = Date.now();
  const late = req.events.findIndex((e) => Date.parse(e.ts) > now + MAX_FUTURE_MS);
  if (late >= 0) {
    throw new ApiError(400, "invalid_request", `events.${late}.ts: more than 24 hours in the future`, [{ field: `events.${late}.ts`, message: "more than 24 hours in the future" }]);
  }
  const incoming = toIncomingEvents(req, hostnameOf(c.req.url));
  const personalization = req.consent.includes("personalization");
  const message: EventsMessage = {
    kind: "events",
    anon_id: req.anon_id,
    session_id: req.session_id ?? null,
    personalization,
    device: resolveDevice(req.device, c.req.header("user-agent")),
    received_at: new Date(now).toISOString(),
    events: incoming,
  };
  try {
    // A send that fails once is tried again (as feedback is) before the SDK is told to come back later.
    await sendWithRetry(c.env.EVENTS_QUEUE, message, ANSWER_BACKOFF_MS);
  } catch (err) {
    console.error(JSON.stringify({ level: "error", request_id: c.get("requestId"), queue: err instanceof Error ? err.message : String(err) }));
    throw new ApiError(503, "queue_unavailable", "events could not be queued; nothing was stored, retry later", undefined, { "retry-after": "5" });
  }
  if (personalization) {
    // Applying now lets the very next /v1/rank see these events; if the store is slow, the consumer applies
    // them from the queue (idempotently), so nothing accepted is lost.
    try {
      await withTimeout(featureStore(c.env).applyEvents(req.anon_id, req.session_id ?? null, message.device, incoming), 200);
    } catch (err) {
      console.warn(JSON.stringify({ level: "warn", request_id: c.get("requestId"), feature_store: err instanceof Error ? err.message : String(err) }));
    }
  }
  return c.json({ accepted: incoming.length }, 202);
});
