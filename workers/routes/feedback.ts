// POST /v1/feedback: validate and enqueue (202). The consumer joins it to the decision, rejects feedback for
// unknown, expired or unserved items (kept and visible), and applies the rest to the bandit exactly once.
import { Hono } from "hono";
import { MAX_FEEDBACK_PER_MESSAGE, type FeedbackBatchMessage, type FeedbackMessage } from "../../shared/api/messages";
import { FeedbackRequest } from "../../shared/api/schemas";
import { hash32 } from "../../shared/hash";
import { ApiError } from "../http/errors";
import { readJson, type AppEnv } from "../http/middleware";
import { ANSWER_BACKOFF_MS } from "../queue/send";
import { QueueWindow } from "../queue/window";

export const feedbackRouter = new Hono<AppEnv>();

/**
 * Feedback is answered 202 only once it is on the queue; concurrent feedback in one isolate shares a message
 * (10 ms window: small next to a browser round trip), so the queue sees one message per window, not per reward.
 */
const feedbackWindow = new QueueWindow<FeedbackMessage>(
  10,
  MAX_FEEDBACK_PER_MESSAGE,
  ANSWER_BACKOFF_MS,
  (feedback): FeedbackBatchMessage => ({ kind: "feedback_batch", deferrals: 0, feedback }),
  // Each sender gets its 503 and retries: nothing was accepted, so nothing is lost.
  (lost, err) => console.warn(JSON.stringify({ level: "warn", feedback_not_queued: lost.length, error: err instanceof Error ? err.message : String(err) })),
);

/** Rewards stamped further ahead than this are clock errors. */
const MAX_FUTURE_MS = 5 * 60_000;

/** Same feedback, same id: the dedupe key (request, item, type) decides, so a resend gets its first id back. */
export function feedbackId(requestId: string, itemId: string, type: string): string {
  const key = `${requestId}|${itemId}|${type}`;
  return `fb_${hash32(`a:${key}`).toString(16).padStart(8, "0")}${hash32(`b:${key}`).toString(16).padStart(8, "0")}`;
}

feedbackRouter.post("/", async (c) => {
  const req = await readJson(c, FeedbackRequest);
  const now = Date.now();
  const occurred = req.reward.timestamp ? Date.parse(req.reward.timestamp) : now;
  if (occurred > now + MAX_FUTURE_MS) throw new ApiError(400, "invalid_request", "reward.timestamp: in the future", [{ field: "reward.timestamp", message: "in the future" }]);
  const message: FeedbackMessage = {
    kind: "feedback",
    feedback_id: feedbackId(req.request_id, req.item_id, req.reward.type),
    request_id: req.request_id,
    item_id: req.item_id,
    reward_type: req.reward.type,
    value: req.reward.value,
    occurred_at: new Date(occurred).toISOString(),
    received_at: new Date(now).toISOString(),
    context: req.context ?? null,
  };
  try {
    await feedbackWindow.add(c.env.EVENTS_QUEUE, c.executionCtx, message, true);
  } catch {
    throw new ApiError(503, "queue_unavailable", "feedback could not be queued; nothing was stored, retry later", undefined, { "retry-after": "5" });
  }
  return c.json({ status: "accepted", feedback_id: message.feedback_id }, 202);
});
